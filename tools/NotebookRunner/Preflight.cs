using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Tutorials.Runner;

/// <summary>
/// The instructor's pre-flight (<c>--preflight</c>), run online the day before a workshop. It leaves the machine able
/// to run every notebook offline and says whether it is ready:
/// <list type="number">
/// <item>each notebook's first code cell (its <c>#r "nuget: …"</c> lines and <c>Kit.Setup()</c>) runs in a fresh kernel,
/// as the runner runs it: the packages are restored into the NuGet cache. Identical first cells in one folder run once
/// (the same code in a fresh kernel does the same thing);</item>
/// <item>in the first of those kernels: the pretrained weights are converted into the kit's cache, the environment
/// report is read, and a short training calibration is timed (<see cref="PreflightCells"/>);</item>
/// <item>the verdict (<see cref="PreflightVerdict"/>) scales the committed learner-run seconds
/// (<see cref="ReferenceTimings"/>) by the calibration to give each notebook's expected minutes here.</item>
/// </list>
/// Everything found is written to preflight.json; <c>--preflight-verdict FILE</c> decides again from such a file.
/// </summary>
static class Preflight
{
    public static async Task<int> RunAsync(Options options)
    {
        var root = RepoRoot.Find();
        var notebooks = ParentRun.ResolveNotebooks(options.Notebooks, root);
        var outDir = Path.GetFullPath(options.OutDir ?? Path.Combine(root, "artifacts", "preflight"));
        Directory.CreateDirectory(outDir);
        var referencePath = ReferenceTimings.PathIn(root);
        var reference = ReferenceTimings.Load(referencePath);
        var clock = Stopwatch.StartNew();

        // Notebooks whose first cells are the same code in the same folder share one kernel.
        var groups = notebooks.GroupBy(nb => (Folder: Path.GetDirectoryName(nb)!, Code: FirstCodeCell(nb))).ToList();
        Console.WriteLine($"Pre-flight: {notebooks.Count} notebook(s), {groups.Count} distinct first cell(s) → {outDir}");

        var setups = new List<SetupFinding>();
        var checks = new List<CheckFinding>();
        double? calibration = null;
        var environmentFile = Path.Combine(outDir, "environment.json");
        File.Delete(environmentFile);
        for (int g = 0; g < groups.Count; g++)
        {
            var (folder, code) = groups[g].Key;
            var names = groups[g].Select(nb => Path.GetFileNameWithoutExtension(nb)).ToList();
            bool withChecks = g == 0;   // the checks need one kernel that has run a setup cell; the first will do
            var cells = new List<string> { code };
            if (withChecks) cells.AddRange(PreflightCells.Checks(environmentFile).Select(c => c.Code));
            var mini = Path.Combine(outDir, $"preflight-{g + 1}.ipynb");
            await ChildRun.WriteAtomicAsync(mini, MiniNotebook(cells));

            Console.WriteLine($"\n[{g + 1}/{groups.Count}] first cell of {string.Join(", ", names)}" + (withChecks ? ", then the weights, environment and calibration checks" : ""));
            var outcome = await ParentRun.RunChildAsync(mini, outDir, workDir: folder, keepGoing: withChecks);

            var setup = CellResult(outcome, 1);
            setups.AddRange(names.Select(n => new SetupFinding(n, setup.Passed, setup.Error)));
            if (!withChecks) continue;
            var named = PreflightCells.Checks(environmentFile);
            for (int c = 0; c < named.Count; c++)
            {
                var r = CellResult(outcome, c + 2);
                checks.Add(new CheckFinding(named[c].Name, setup.Passed, setup.Passed && r.Passed, setup.Passed ? r.Error : null));
            }
            if (outcome.Results.TryGetValue(PreflightCells.CalibrationResult, out var seconds)) calibration = seconds;
        }

        if (options.RecordReference is string summary)
        {
            if (calibration is not double measured)
                throw new UsageException("--record-reference needs the calibration's figure, and the calibration did not run; see the errors above");
            reference = ReferenceTimings.FromLearnerSummary(summary, measured, options.Machine!);
            await ChildRun.WriteAtomicAsync(referencePath, JsonSerializer.Serialize(reference, Json.Options) + "\n");
            Console.WriteLine($"\nWrote {referencePath}: calibration {measured:0.000} s per step and {reference.LearnerSeconds.Count} notebooks' learner seconds from {summary}; commit it.");
        }

        var findings = new PreflightFindings(setups, checks, ReadEnvironment(environmentFile), calibration, reference,
            notebooks.Select(nb => Path.GetFileNameWithoutExtension(nb)).ToList(), MemoryAvailableMB(), options.MemoryBudgetMB,
            options.MaxMinutes, Math.Round(clock.Elapsed.TotalSeconds, 1));
        var findingsPath = Path.Combine(outDir, "preflight.json");
        await ChildRun.WriteAtomicAsync(findingsPath, JsonSerializer.Serialize(findings, Json.Options));
        Console.WriteLine($"\nPre-flight took {findings.Seconds:0} s; what it found: {findingsPath}\n");
        return Report(findings);
    }

    /// <summary>Prints the verdict of saved findings (<c>--preflight-verdict FILE</c>) and returns the exit code.</summary>
    public static int VerdictOf(string findingsPath)
    {
        if (!File.Exists(findingsPath))
            throw new UsageException($"no findings at {findingsPath}: run the pre-flight first (--preflight), it writes preflight.json");
        PreflightFindings? findings;
        try { findings = JsonSerializer.Deserialize<PreflightFindings>(File.ReadAllText(findingsPath), Json.Options); }
        catch (JsonException e) { throw new UsageException($"{findingsPath} is not a pre-flight's preflight.json ({e.Message})"); }
        if (findings?.Setups is null || findings.Checks is null || findings.Reference is null || findings.Notebooks is null)
            throw new UsageException($"{findingsPath} lacks \"setups\", \"checks\", \"reference\" or \"notebooks\"; expected a preflight.json written by --preflight");
        return Report(findings with { Environment = findings.Environment ?? new() });
    }

    static int Report(PreflightFindings findings)
    {
        var verdict = PreflightVerdict.Decide(findings);
        foreach (var line in PreflightVerdict.Describe(verdict, findings)) Console.WriteLine(line);
        return verdict.Ready ? 0 : PreflightVerdict.NotReadyExitCode;
    }

    /// <summary>Whether the cell with this 1-based index ran without error (a cell after a crash did not run).</summary>
    static (bool Passed, string? Error) CellResult(NotebookOutcome outcome, int index)
    {
        var cell = outcome.Cells.FirstOrDefault(c => c.Index == index);
        if (outcome.Status == "crashed" && (cell is null || outcome.FailedCell == index))
            return (false, cell is null ? "not reached: the kernel process died before it (see above)" : outcome.Error);
        if (cell is null) return (false, "did not run");
        return (cell.Error is null, cell.Error);
    }

    static string FirstCodeCell(string notebook)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(notebook));
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "code") continue;
            var source = cell.GetProperty("source");
            var code = source.ValueKind == JsonValueKind.Array ? string.Concat(source.EnumerateArray().Select(l => l.GetString())) : source.GetString() ?? "";
            if (!string.IsNullOrWhiteSpace(code)) return code;
        }
        throw new UsageException($"{notebook} has no code cell; its first code cell should load the packages and call Tutorials.Kit.Setup() (CONTRIBUTING)");
    }

    /// <summary>A notebook of C# code cells, for the child to run as it runs any notebook.</summary>
    static string MiniNotebook(IEnumerable<string> cells)
    {
        var array = new JsonArray();
        foreach (var code in cells)
            array.Add(new JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = null, ["outputs"] = new JsonArray(), ["source"] = code,
                ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
            });
        return new JsonObject
        {
            ["cells"] = array, ["nbformat"] = 4, ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["polyglot_notebook"] = new JsonObject { ["kernelInfo"] = new JsonObject { ["defaultKernelName"] = "csharp" } },
            },
        }.ToJsonString(Json.Options);
    }

    static Dictionary<string, string> ReadEnvironment(string path)
    {
        if (!File.Exists(path)) return new();
        return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? new();
    }

    /// <summary>Memory the OS could give a new process now without swapping (Linux: MemAvailable); null elsewhere.</summary>
    static double? MemoryAvailableMB()
    {
        try
        {
            var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:")) : null;
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kb is not null && long.TryParse(kb, out var v) ? Math.Round(v / 1024.0) : null;
        }
        catch (IOException) { return null; }
    }
}
