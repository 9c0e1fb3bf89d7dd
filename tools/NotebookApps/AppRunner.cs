using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Tutorials.NotebookApps;

/// <summary>
/// Runs the generated apps one after another as a learner would (<c>dotnet build</c>, then <c>dotnet run</c> of the
/// .cs file), with their output on the console, and writes how long each took and what it reported to
/// <c>artifacts/apps/summary.json</c> (the notebook runner's <c>summary.json</c> counterpart).
/// </summary>
public static class AppRunner
{
    public sealed record AppRun(string App, string Status, double BuildSeconds, double RunSeconds, Dictionary<string, double> Results);

    public static int RunAll(string root, IReadOnlyList<string> notebooks)
    {
        var outDir = Path.Combine(root, "artifacts", "apps");
        Directory.CreateDirectory(outDir);
        var mode = System.Environment.GetEnvironmentVariable("TUTORIALS_MODE") is { Length: > 0 } m ? m : "learner";
        var runs = new List<AppRun>();
        foreach (var nb in notebooks)
        {
            var app = Path.Combine(RepoPaths.Apps(root), AppGenerator.AppFileName(nb));
            if (!File.Exists(app)) throw new ArgumentException($"{Path.GetRelativePath(root, app)} does not exist; run {AppGenerator.RegenerateCommand} first.");
            var resultsFile = Path.Combine(outDir, Path.GetFileNameWithoutExtension(app) + ".results.jsonl");
            File.Delete(resultsFile);
            Console.WriteLine($"=== {Path.GetRelativePath(root, app)} ({mode} mode)");
            var (buildOk, build) = Dotnet(root, ["build", app], null);
            var (runOk, run) = buildOk ? Dotnet(root, ["run", "--no-build", app], resultsFile) : (false, 0.0);
            var run1 = new AppRun(Path.GetFileName(app), !buildOk ? "build failed" : runOk ? "passed" : "failed", build, run, ReadResults(resultsFile));
            runs.Add(run1);
            Console.WriteLine($"=== {run1.App}: {run1.Status}, build {build:0.0} s, run {run:0.0} s");
        }
        var summary = new { mode, machine = $"{System.Environment.ProcessorCount} logical CPUs", apps = runs };
        var path = Path.Combine(outDir, "summary.json");
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);

        Console.WriteLine($"\n{"app",-40} {"status",-13} {"build s",8} {"run s",8}  key results");
        foreach (var r in runs)
            Console.WriteLine($"{r.App,-40} {r.Status,-13} {r.BuildSeconds,8:0.0} {r.RunSeconds,8:0.0}  {r.Results.Count}");
        Console.WriteLine($"summary: {Path.GetRelativePath(root, path)}");
        return runs.All(r => r.Status == "passed") ? 0 : 1;
    }

    static (bool Ok, double Seconds) Dotnet(string root, string[] args, string? resultsFile)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = root };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (resultsFile is not null) psi.Environment["TUTORIALS_RESULTS_FILE"] = resultsFile;
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;   // output goes straight to this console: progress stays live
        p.WaitForExit();
        return (p.ExitCode == 0, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The results file the kit writes (one JSON object per line, <c>Tutorials.Environment.Results.Report</c>); the last value per name wins.</summary>
    public static Dictionary<string, double> ReadResults(string path)
    {
        var results = new Dictionary<string, double>();
        if (!File.Exists(path)) return results;
        foreach (var line in File.ReadLines(path).Where(l => l.Trim().Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            results[doc.RootElement.GetProperty("name").GetString()!] = doc.RootElement.GetProperty("value").GetDouble();
        }
        return results;
    }
}
