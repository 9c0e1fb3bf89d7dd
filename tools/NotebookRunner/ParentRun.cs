using System.Diagnostics;
using System.Text.Json;

namespace Tutorials.Runner;

/// <summary>
/// Runs each notebook in its own child process (a fresh kernel: no state, assemblies or native memory carried
/// over), relays its progress, renders HTML, and writes summary.json plus a table at the end.
/// Notebooks run strictly one after another: each kernel's libtorch already uses every core, so two at once
/// would only fight over them (measured: 02 and 04 together took 4× longer each than one after the other).
/// </summary>
static class ParentRun
{
    public static async Task<int> RunAsync(Options options)
    {
        var root = RepoRoot.Find();
        var notebooks = ResolveNotebooks(options.Notebooks, root);
        var outDir = Path.GetFullPath(options.OutDir ?? Path.Combine(root, "artifacts", "notebooks"));
        Directory.CreateDirectory(outDir);

        Console.WriteLine($"Running {notebooks.Count} notebook(s), {options.Mode} run ({RunSize.Variable}), one at a time, memory budget {options.MemoryBudgetMB} MB each → {outDir}");
        var outcomes = new List<SummaryEntry>();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < notebooks.Count; i++)
        {
            var nb = notebooks[i];
            Console.WriteLine($"\n[{i + 1}/{notebooks.Count}] {Path.GetFileName(nb)}");
            var outcome = await RunChildAsync(nb, outDir);
            var name = Path.GetFileNameWithoutExtension(nb);
            var executed = Path.Combine(outDir, name + ".ipynb");
            string? html = null;
            if (File.Exists(executed))
            {
                html = Path.Combine(outDir, name + ".html");
                await ChildRun.WriteAtomicAsync(html, HtmlRenderer.Render(await File.ReadAllTextAsync(executed), name));
            }
            bool over = outcome.PeakResidentMB > options.MemoryBudgetMB;
            outcomes.Add(new SummaryEntry(outcome.Notebook, outcome.Status, outcome.Seconds, outcome.PeakResidentMB, over,
                outcome.CodeCells, outcome.FailedCell, outcome.Error, outcome.Results, outcome.Cells,
                File.Exists(executed) ? Path.GetFileName(executed) : null, html is null ? null : Path.GetFileName(html)));
            var peak = outcome.PeakResidentMB is double mb ? $", peak {mb:0} MB resident{(over ? $" (over the {options.MemoryBudgetMB} MB budget)" : "")}" : "";
            Console.WriteLine(outcome.Status == "passed"
                ? $"    ✓ passed in {outcome.Seconds:0.0} s{peak}"
                : $"    ✗ {outcome.Status} at cell {outcome.FailedCell?.ToString() ?? "?"}: {FirstLines(outcome.Error, 6)}");
        }
        total.Stop();

        // The whole run: notebooks run one at a time, so the largest kernel is the most the run held at once
        // (plus the runner itself, reported separately).
        var peaks = outcomes.Where(o => o.PeakResidentMB is not null).Select(o => o.PeakResidentMB!.Value).ToList();
        var summary = new Summary(options.Mode, DateTime.UtcNow.ToString("o"), Math.Round(total.Elapsed.TotalSeconds, 1),
            peaks.Count > 0 ? peaks.Max() : null, PeakMemory.OfThisProcess(), options.MemoryBudgetMB,
            System.Environment.ProcessorCount, outcomes);
        await ChildRun.WriteAtomicAsync(Path.Combine(outDir, "summary.json"), JsonSerializer.Serialize(summary, Json.Options));
        PrintTable(summary);

        var failed = outcomes.Where(o => o.Status != "passed").ToList();
        foreach (var f in failed)
            Console.Error.WriteLine($"FAILED {f.Notebook}, cell {f.FailedCell?.ToString() ?? "?"}: {FirstLines(f.Error, 12)}");
        if (failed.Count > 0) return 1;
        var overBudget = outcomes.Where(o => o.OverBudget).ToList();
        foreach (var o in overBudget)
            Console.Error.WriteLine($"OVER BUDGET {o.Notebook}: peak {o.PeakResidentMB:0} MB resident, budget {options.MemoryBudgetMB} MB ({MemoryBudget.Variable})");
        return overBudget.Count > 0 && options.CheckBudget ? 3 : 0;
    }

    /// <summary>Runs one notebook in a fresh child process (see <see cref="ChildRun.RunAsync"/> for the options) and
    /// returns its outcome, also when the child died.</summary>
    internal static async Task<NotebookOutcome> RunChildAsync(string notebook, string outDir, string? workDir = null, bool keepGoing = false)
    {
        var name = Path.GetFileNameWithoutExtension(notebook);
        var outcomePath = Path.Combine(outDir, name + ".outcome.json");
        File.Delete(outcomePath);
        var psi = ChildStartInfo(notebook, outDir, workDir, keepGoing);
        var watch = Stopwatch.StartNew();
        // When each cell started, from the child's progress lines: the cells' seconds if the child dies.
        var started = new List<(int Index, string FirstLine, double At)>();
        using var process = Process.Start(psi)!;
        using var memory = new PeakMemory.Poller(process);
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync()) is not null)
        {
            if (line.StartsWith("PROGRESS ", StringComparison.Ordinal))
            {
                Console.WriteLine($"  {watch.Elapsed.TotalSeconds,6:0.0}s  cell {line["PROGRESS ".Length..]}");
                if (ParseProgress(line) is var (index, firstLine)) started.Add((index, firstLine, watch.Elapsed.TotalSeconds));
            }
            else
                Console.WriteLine("            " + line);
        }
        await process.WaitForExitAsync();
        memory.Dispose();
        if (File.Exists(outcomePath))
        {
            var reported = JsonSerializer.Deserialize<NotebookOutcome>(await File.ReadAllTextAsync(outcomePath), Json.Options)!;
            // The child's own reading is exact; the polled one only fills in where the OS gave the child none.
            return reported with { PeakResidentMB = reported.PeakResidentMB ?? memory.Peak };
        }
        // The child died before writing its outcome (a native crash, out of memory, …): the cells it started, timed
        // from its progress lines, the last one until it died.
        double end = watch.Elapsed.TotalSeconds;
        var cells = started.Select((c, k) => new CellTime(c.Index, c.FirstLine,
            Math.Round((k + 1 < started.Count ? started[k + 1].At : end) - c.At, 2))).ToList();
        int? lastStarted = started.Count > 0 ? started[^1].Index : null;
        return new NotebookOutcome(Path.GetFileName(notebook), "crashed", Math.Round(end, 1), 0, lastStarted,
            $"the kernel process exited with code {process.ExitCode} before finishing. {stderr}", new(), cells, memory.Peak);
    }

    /// <summary>"PROGRESS 3/17 first line" → (3, "first line").</summary>
    static (int Index, string FirstLine)? ParseProgress(string line)
    {
        var rest = line["PROGRESS ".Length..];
        int slash = rest.IndexOf('/'), space = rest.IndexOf(' ');
        if (slash <= 0 || !int.TryParse(rest[..slash], out int index)) return null;
        return (index, space > 0 ? rest[(space + 1)..] : "");
    }

    static ProcessStartInfo ChildStartInfo(string notebook, string outDir, string? workDir, bool keepGoing)
    {
        var self = typeof(ParentRun).Assembly.Location;
        var host = System.Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") psi.ArgumentList.Add(self);
        foreach (var a in new[] { "--child", notebook, "--out", outDir }) psi.ArgumentList.Add(a);
        if (workDir is not null) { psi.ArgumentList.Add("--workdir"); psi.ArgumentList.Add(workDir); }
        if (keepGoing) psi.ArgumentList.Add("--keep-going");
        return psi;
    }

    internal static List<string> ResolveNotebooks(IReadOnlyList<string> given, string root)
    {
        var folder = Path.Combine(root, "notebooks");
        var all = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.ipynb").OrderBy(f => f, StringComparer.Ordinal).ToList() : [];
        if (given.Count == 0)
        {
            if (all.Count == 0) throw new UsageException($"no notebooks found in {folder}");
            return all;
        }
        var result = new List<string>();
        foreach (var g in given)
        {
            if (File.Exists(g)) { result.Add(Path.GetFullPath(g)); continue; }
            var matches = all.Where(f => Path.GetFileName(f).StartsWith(g, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count != 1)
                throw new UsageException(matches.Count == 0
                    ? $"no notebook matches '{g}'; available: {string.Join(", ", all.Select(Path.GetFileName))}"
                    : $"'{g}' matches several notebooks: {string.Join(", ", matches.Select(Path.GetFileName))}");
            result.Add(matches[0]);
        }
        return result;
    }

    static void PrintTable(Summary s)
    {
        Console.WriteLine($"\nSummary ({s.Mode} run, {s.TotalSeconds:0.0} s, largest kernel {Mb(s.PeakResidentMB)} MB resident, " +
                          $"budget {s.MemoryBudgetMB} MB per notebook, {s.Cores} cores)");
        int w = Math.Max(8, s.Notebooks.Max(n => n.Notebook.Length));
        const int slowestWidth = 36;
        Console.WriteLine($"  {"notebook".PadRight(w)}  {"status",-7} {"seconds",8} {"peak MB",8} {"budget",-6}  {"slowest cells (cell: seconds)",-slowestWidth}  key results");
        foreach (var n in s.Notebooks)
        {
            var results = string.Join(", ", n.Results.Select(r => $"{r.Key}={r.Value:G4}"));
            var budget = n.PeakResidentMB is null ? "?" : n.OverBudget ? "OVER" : "ok";
            Console.WriteLine($"  {n.Notebook.PadRight(w)}  {n.Status,-7} {n.Seconds,8:0.0} {Mb(n.PeakResidentMB),8} {budget,-6}  {Slowest(n.Cells),-slowestWidth}  {results}");
        }
        int passed = s.Notebooks.Count(n => n.Status == "passed");
        int over = s.Notebooks.Count(n => n.OverBudget);
        Console.WriteLine($"  {passed} passed, {s.Notebooks.Count - passed} failed, {over} over the memory budget");
    }

    /// <summary>Where a notebook's time went: its three slowest cells, slowest first, e.g. "12: 85.2, 9: 40.1, 15: 20.0".</summary>
    internal static string Slowest(IReadOnlyList<CellTime> cells, int count = 3) =>
        cells.Count == 0 ? "-" : string.Join(", ", cells.OrderByDescending(c => c.Seconds).ThenBy(c => c.Index).Take(count)
            .Select(c => $"{c.Index}: {c.Seconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}"));

    static string Mb(double? mb) => mb is double v ? v.ToString("0") : "?";

    static string FirstLines(string? text, int n) =>
        text is null ? "" : string.Join("\n      ", text.Split('\n').Take(n));
}

/// <summary>One notebook in summary.json. Seconds: wall time of its cells; PeakResidentMB: its kernel process's
/// peak resident memory (see <see cref="PeakMemory"/>); OverBudget: PeakResidentMB above the run's budget;
/// CodeCells: how many code cells it has; Cells: each cell that ran with its first line and wall seconds (where the
/// time goes; a crashed kernel's cells are timed from its progress lines).</summary>
sealed record SummaryEntry(string Notebook, string Status, double Seconds, double? PeakResidentMB, bool OverBudget,
    int CodeCells, int? FailedCell, string? Error, Dictionary<string, double> Results, List<CellTime> Cells, string? Executed, string? Html);

/// <summary>summary.json. Mode: the run size, "learner" or "study" (<see cref="RunSize"/>); TotalSeconds: the whole run, wall; PeakResidentMB: the largest notebook kernel (notebooks
/// run one at a time, so the most any moment of the run needed besides the runner's own RunnerPeakResidentMB).</summary>
sealed record Summary(string Mode, string FinishedUtc, double TotalSeconds, double? PeakResidentMB, double? RunnerPeakResidentMB,
    int MemoryBudgetMB, int Cores, List<SummaryEntry> Notebooks);

static class RepoRoot
{
    /// <summary>The folder holding Tutorials.sln, searched upward from the working directory, then from the runner.</summary>
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Tutorials.sln"))) return dir.FullName;
        throw new UsageException("cannot find the kit's root (the folder with Tutorials.sln); run from inside the repository");
    }
}
