using System.Diagnostics;

namespace Tutorials.Tests.Support;

/// <summary>Paths in the repository and a way to run the kit's own tools from tests.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tutorials.sln"))) return dir.FullName;
        throw new InvalidOperationException("Tests must run from inside the repository (Tutorials.sln not found above the test binaries).");
    }

    public static string Notebooks => Path.Combine(Root, "notebooks");

    public static string LibDll => Path.Combine(Root, "lib", "bin", "kit", "Tutorials.Lib.dll");

    /// <summary>The runner built alongside the tests (same configuration).</summary>
    public static string RunnerDll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var path = Path.Combine(Root, "tools", "NotebookRunner", "bin", config, "net10.0", "NotebookRunner.dll");
            if (!File.Exists(path)) throw new FileNotFoundException($"The notebook runner was not built at {path}; run `dotnet build Tutorials.sln`.", path);
            return path;
        }
    }

    /// <summary>The benchmarks tool built alongside the tests (same configuration); it also hosts the oneDNN check.</summary>
    public static string BenchmarksDll
    {
        get
        {
            var config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            var path = Path.Combine(Root, "tools", "Benchmarks", "bin", config, "net10.0", "Benchmarks.dll");
            if (!File.Exists(path)) throw new FileNotFoundException($"The benchmarks tool was not built at {path}; run `dotnet build Tutorials.sln`.", path);
            return path;
        }
    }

    public sealed record ProcessResult(int ExitCode, string Output);

    /// <summary>Runs a program to completion, capturing stdout and stderr together.</summary>
    public static ProcessResult Run(string file, IEnumerable<string> args, string workingDirectory,
        IDictionary<string, string>? environment = null, int timeoutSeconds = 1800)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutSeconds} s. Output so far:\n{output}");
        }
        p.WaitForExit();
        return new ProcessResult(p.ExitCode, output.ToString());
    }

    /// <summary>Runs the notebook runner (a separate process, as a user would) with TUTORIALS_MODE set.</summary>
    public static ProcessResult RunNotebooks(string mode, string outDir, params string[] notebooks) =>
        RunNotebooks(mode, outDir, notebooks, [], new Dictionary<string, string>());

    /// <summary>The runner with extra options (e.g. --check-budget) and environment variables.</summary>
    public static ProcessResult RunNotebooks(string mode, string outDir, IEnumerable<string> notebooks, IEnumerable<string> options,
        IDictionary<string, string> environment) =>
        Run("dotnet", [RunnerDll, .. notebooks, .. options, "--out", outDir], Root,
            new Dictionary<string, string>(environment) { ["TUTORIALS_MODE"] = mode });
}
