using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Apps;

/// <summary>The kit's app generator (tools/NotebookApps), built once per test run and run as its own process.</summary>
public static partial class AppsTool
{
    static readonly Lazy<string> _dll = new(() =>
    {
        var build = Repo.Run("dotnet", ["build", Path.Combine(Repo.Root, "tools", "NotebookApps"), "-c", "Release", "--nologo", "-v", "q"], Repo.Root);
        Assert.True(build.ExitCode == 0, $"tools/NotebookApps did not build:\n{build.Output}");
        return Path.Combine(Repo.Root, "tools", "NotebookApps", "bin", "Release", "net10.0", "NotebookApps.dll");
    });

    /// <summary>Runs <c>NotebookApps args</c> in <paramref name="workingDirectory"/> (the repository it works on is found from there).</summary>
    public static Repo.ProcessResult Run(string workingDirectory, params string[] args) =>
        Repo.Run("dotnet", [_dll.Value, .. args], workingDirectory, timeoutSeconds: 300);

    public static string AppsFolder => Path.Combine(Repo.Notebooks, "apps");

    public static string AppOf(string notebook) => Path.Combine(AppsFolder, Path.ChangeExtension(notebook, ".cs"));

    [GeneratedRegex(@"^#:package\s+(?<name>[^@\s]+)@(?<version>\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex PackageDirective();

    /// <summary>The <c>#:package Name@Version</c> lines of an app.</summary>
    public static List<(string Package, string Version)> Packages(string app) =>
        PackageDirective().Matches(File.ReadAllText(app)).Select(m => (m.Groups["name"].Value, m.Groups["version"].Value)).ToList();

    /// <summary>
    /// Writes notebooks/NAME.ipynb into a scratch repository: a first cell that loads the kit as every notebook does,
    /// then one cell per argument (code, or markdown when it starts with "#").
    /// </summary>
    public static void WriteNotebook(string scratch, string name, params string[] cells)
    {
        var all = new List<string> { "#r \"nuget: TorchSharp-cpu, 0.107.0\"\n#r \"../lib/bin/kit/Tutorials.Lib.dll\"\nTutorials.Kit.Setup()" };
        all.AddRange(cells);
        static JsonNode Lines(string text)   // nbformat: a list of lines, each but the last ending in "\n"
        {
            var lines = text.Split('\n');
            return new JsonArray(lines.Select((l, i) => (JsonNode)JsonValue.Create(i < lines.Length - 1 ? l + "\n" : l)).ToArray());
        }
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(all.Select(c => (JsonNode)new JsonObject
            {
                ["cell_type"] = c.StartsWith("# ") ? "markdown" : "code",
                ["metadata"] = new JsonObject(),
                ["source"] = Lines(c),
            }).ToArray()),
            ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        File.WriteAllText(Path.Combine(scratch, "notebooks", name + ".ipynb"), notebook.ToJsonString());
    }

    /// <summary>A scratch copy of the repository's notebooks and apps (and a Tutorials.sln marker), for tests that change files.</summary>
    public static string ScratchRepo()
    {
        var dir = Directory.CreateTempSubdirectory("kit-apps-").FullName;
        File.WriteAllText(Path.Combine(dir, "Tutorials.sln"), "");
        Directory.CreateDirectory(Path.Combine(dir, "notebooks", "apps"));
        foreach (var nb in Directory.GetFiles(Repo.Notebooks, "*.ipynb")) File.Copy(nb, Path.Combine(dir, "notebooks", Path.GetFileName(nb)));
        foreach (var app in Directory.GetFiles(AppsFolder, "*.cs")) File.Copy(app, Path.Combine(dir, "notebooks", "apps", Path.GetFileName(app)));
        return dir;
    }
}
