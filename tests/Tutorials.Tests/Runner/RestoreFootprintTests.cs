using System.Text.Json;
using System.Xml.Linq;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Runner;

/// <summary>
/// What running the tutorials downloads: the library's restore (lib/obj/project.assets.json, written by the build
/// these tests ran after) holds one native libtorch, the host's, and no ONNX Runtime (only the tests use it); the
/// packages PrunedPackages.props leaves out are absent from the library's and the runner's restores, and what it
/// prunes as "eclipsed" is only ever older than the version those restores use.
/// scripts/measure-restore-size.sh measures the bytes.
/// </summary>
public class RestoreFootprintTests
{
    static Dictionary<string, Version> Packages(params string[] projectDir)
    {
        var assets = Path.Combine([Repo.Root, .. projectDir, "obj", "project.assets.json"]);
        Assert.True(File.Exists(assets), $"{assets} is missing: build the kit (dotnet build Tutorials.sln) first.");
        using var doc = JsonDocument.Parse(File.ReadAllText(assets));
        return doc.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(p => p.Value.GetProperty("type").GetString() == "package")
            .Select(p => p.Name.Split('/'))
            .ToDictionary(p => p[0], p => V(p[1]), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A package version as System.Version (a pre-release label is dropped; the packages compared here have none).</summary>
    static Version V(string version) => Version.Parse(version.Split('-', '+')[0]);

    static Dictionary<string, Version> LibraryPackages() => Packages("lib");

    static Dictionary<string, Version> RunnerPackages() => Packages("tools", "NotebookRunner");

    record Pruned(string Id, Version Version, string Why);

    static List<Pruned> PrunedPackages() =>
        XDocument.Load(Path.Combine(Repo.Root, "PrunedPackages.props")).Descendants("PrunePackageReference")
            .Select(e => new Pruned((string)e.Attribute("Include")!, V((string)e.Attribute("Version")!), (string)e.Attribute("Why")!))
            .ToList();

    [Fact]
    public void TheLibraryRestoresOnlyThisMachinesLibTorch()
    {
        var libtorch = LibraryPackages().Keys.Where(p => p.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase)).ToList();
        var rid = OperatingSystem.IsLinux() ? "linux-x64" : OperatingSystem.IsMacOS() ? "osx-arm64" : "win-x64";
        Assert.Equal([$"libtorch-cpu-{rid}"], libtorch);
    }

    [Fact]
    public void TheLibraryDoesNotRestoreOnnxRuntime()
    {
        var onnx = LibraryPackages().Keys.Where(p => p.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(onnx.Count == 0, $"lib/ restores {string.Join(", ", onnx)}; the tutorials never run ONNX (weight packages are PackageDownload items).");
    }

    [Fact]
    public void EveryPrunedPackageSaysWhy()
    {
        var pruned = PrunedPackages();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, p => Assert.True(p.Why is "unused" or "eclipsed",
            $"PrunedPackages.props: {p.Id} has Why=\"{p.Why}\"; expected \"unused\" or \"eclipsed\"."));
    }

    [Fact]
    public void PackagesNothingRunsAreNotRestored()
    {
        var restores = new[] { ("lib", LibraryPackages()), ("tools/NotebookRunner", RunnerPackages()) };
        foreach (var p in PrunedPackages().Where(p => p.Why == "unused"))
            foreach (var (project, packages) in restores)
                Assert.False(packages.TryGetValue(p.Id, out var v),
                    $"{project} restores {p.Id} {v}, which PrunedPackages.props leaves out as unused (up to {p.Version}): " +
                    "a pin changed the version asked for; check that nothing uses it and raise the prune version, or remove the line.");
    }

    [Fact]
    public void PruningAnEclipsedVersionKeepsTheVersionInUse()
    {
        var lib = LibraryPackages();
        var runner = RunnerPackages();
        foreach (var p in PrunedPackages().Where(p => p.Why == "eclipsed"))
        {
            var used = new[] { ("lib", lib), ("tools/NotebookRunner", runner) }
                .Where(r => r.Item2.ContainsKey(p.Id)).Select(r => (project: r.Item1, version: r.Item2[p.Id])).ToList();
            Assert.True(used.Count > 0, $"no restore uses {p.Id} any more: remove its line from PrunedPackages.props.");
            foreach (var (project, version) in used)
                Assert.True(version > p.Version || (p.Id == "FSharp.Core" && project == "tools/NotebookRunner"),
                    $"{project} resolves {p.Id} {version}, not above the pruned {p.Version}: the prune would drop the version in use.");
        }
    }

    [Fact]
    public void TheRunnerKeepsTheFSharpCoreOfALearnersKernel()
    {
        // The runner's F# compiler service (behind #r "nuget: …") asks for exactly its own FSharp.Core, older than
        // Plotly.NET's, as a learner's kernel has; Kit.Setup() redirects Plotly.NET's request to it. Pruning the
        // older FSharp.Core versions must leave the runner's (KitPruneOlderFSharpCore=false in its project).
        var runner = RunnerPackages();
        Assert.True(runner.TryGetValue("FSharp.Core", out var kernel), "tools/NotebookRunner restores no FSharp.Core: was it pruned?");
        Assert.True(kernel < LibraryPackages()["FSharp.Core"],
            $"the runner's FSharp.Core {kernel} is not older than the library's {LibraryPackages()["FSharp.Core"]}; the runner no longer runs notebooks with a learner kernel's FSharp.Core.");
    }
}
