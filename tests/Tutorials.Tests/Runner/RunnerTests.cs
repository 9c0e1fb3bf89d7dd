using System.Text.Json;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Runner;

/// <summary>The notebook runner, run as a separate process exactly as the README's command runs it.</summary>
[Trait("Category", "Slow")]
public sealed class RunnerTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("kit-runner-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // The real notebooks' setup cell, pointed at the library by absolute path (this notebook lives in a temp folder).
    static string SetupCell => NotebookPins.FirstCodeCell(Path.Combine(Repo.Notebooks, "00-getting-started.ipynb"))
        .Replace("\"../lib/bin/kit/Tutorials.Lib.dll\"", $"\"{Repo.LibDll}\"");

    [Fact]
    public void FailingCellGivesNonZeroExitAndNamesNotebookCellAndError()
    {
        var nb = NotebookFile.Write(Path.Combine(_dir, "broken.ipynb"),
            "Console.WriteLine(\"first cell ran\");",
            "throw new InvalidOperationException(\"boom from the second cell\");",
            "Console.WriteLine(\"third cell must not run\");");
        var outDir = Path.Combine(_dir, "out");

        var result = Repo.RunNotebooks("learner", outDir, nb);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("FAILED broken.ipynb, cell 2", result.Output);
        Assert.Contains("boom from the second cell", result.Output);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var entry = summary.RootElement.GetProperty("notebooks")[0];
        Assert.Equal("failed", entry.GetProperty("status").GetString());
        Assert.Equal(2, entry.GetProperty("failedCell").GetInt32());
        Assert.Equal("learner", summary.RootElement.GetProperty("mode").GetString());
        Assert.Equal(1536, summary.RootElement.GetProperty("memoryBudgetMB").GetInt32());   // the learner run's default budget
        var executed = File.ReadAllText(Path.Combine(outDir, "broken.ipynb"));
        Assert.Contains("first cell ran", executed);
        Assert.DoesNotContain("third cell must not run\\n", executed.Replace("\"Console.WriteLine(\\\"third cell must not run\\\");\"", ""));
    }

    [Fact]
    public void GoodNotebookWritesExecutedNotebookOfflineHtmlAndSummary()
    {
        var nb = NotebookFile.Write(Path.Combine(_dir, "good.ipynb"),
            SetupCell,
            "using Plotly.NET.CSharp;\nChart.Line<int, int, string>(x: new[] { 1, 2, 3 }, y: new[] { 1, 4, 9 })",
            "Tutorials.Environment.Results.Report(\"answer\", 42)");
        var outDir = Path.Combine(_dir, "out");

        // TUTORIALS_MODE empty, as if unset: the runner's default size is the learner run.
        var result = Repo.RunNotebooks("", outDir, [nb], ["--check-budget"],
            new Dictionary<string, string> { ["TUTORIALS_MEMORY_BUDGET_MB"] = "100000" });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("cell 2/3", result.Output);                    // progress was shown
        Assert.Contains("1 passed, 0 failed, 0 over the memory budget", result.Output);   // the closing table

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.Equal("learner", summary.RootElement.GetProperty("mode").GetString());
        Assert.Contains("Summary (learner run,", result.Output);
        var entry = summary.RootElement.GetProperty("notebooks")[0];
        Assert.Equal("passed", entry.GetProperty("status").GetString());
        Assert.Equal(42, entry.GetProperty("results").GetProperty("answer").GetDouble());
        Assert.True(entry.GetProperty("seconds").GetDouble() > 0);
        // A kernel that loaded libtorch, Plotly and Roslyn holds well over 100 MB; a figure below that is a wrong reading.
        Assert.InRange(entry.GetProperty("peakResidentMB").GetDouble(), 100, 100000);
        Assert.False(entry.GetProperty("overBudget").GetBoolean());
        Assert.Equal(100000, summary.RootElement.GetProperty("memoryBudgetMB").GetInt32());

        var executed = File.ReadAllText(Path.Combine(outDir, "good.ipynb"));
        Assert.Contains("\"outputs\": [", executed);
        Assert.Contains("answer = 42", executed);

        var html = File.ReadAllText(Path.Combine(outDir, "good.html"));
        Assert.Contains("Plotly.newPlot", html);
        Assert.Contains("plotly.js v2", html);                         // the library itself is inlined…
        Assert.DoesNotMatch("<script[^>]+src=\"https?:", html);        // …and nothing is loaded from the network
    }

    [Fact]
    public void PeakMemoryCountsWhatTheKernelHeldAndCheckBudgetFailsANotebookOverIt()
    {
        // One cell holds 700 MB of touched memory: the kernel's peak must include it, whatever the kernel's baseline.
        var nb = NotebookFile.Write(Path.Combine(_dir, "hungry.ipynb"),
            "var block = new byte[700L * 1024 * 1024];\nfor (long i = 0; i < block.Length; i += 4096) block[i] = 1;\nConsole.WriteLine(block.Length);");
        var outDir = Path.Combine(_dir, "out");

        var result = Repo.RunNotebooks("learner", outDir, [nb], ["--check-budget"],
            new Dictionary<string, string> { ["TUTORIALS_MEMORY_BUDGET_MB"] = "500" });

        Assert.True(result.ExitCode == 3, $"expected exit code 3 (over budget), got {result.ExitCode}:\n{result.Output}");
        Assert.Contains("OVER BUDGET hungry.ipynb", result.Output);
        Assert.Matches(@"hungry\.ipynb\s+passed\s+[\d.]+\s+\d+ OVER", result.Output);   // flagged in the table
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var entry = summary.RootElement.GetProperty("notebooks")[0];
        double peak = entry.GetProperty("peakResidentMB").GetDouble();
        Assert.True(peak >= 700, $"the kernel touched 700 MB in one array, but its peak resident memory reads {peak} MB");
        Assert.True(entry.GetProperty("overBudget").GetBoolean());
        Assert.Equal(peak, summary.RootElement.GetProperty("peakResidentMB").GetDouble());   // the run's largest kernel
    }

    [Fact]
    public void NotebooksRunOneAfterAnother()
    {
        // Each kernel uses every core; two at once would fight over them. Each notebook records when its cell ran.
        string Cell(string tag) =>
            $"var start = DateTime.UtcNow.Ticks; System.Threading.Thread.Sleep(1500);\n" +
            $"System.IO.File.AppendAllText(@\"{Path.Combine(_dir, "intervals.txt")}\", $\"{tag} {{start}} {{DateTime.UtcNow.Ticks}}\\n\");";
        var first = NotebookFile.Write(Path.Combine(_dir, "first.ipynb"), Cell("first"));
        var second = NotebookFile.Write(Path.Combine(_dir, "second.ipynb"), Cell("second"));

        var result = Repo.RunNotebooks("study", Path.Combine(_dir, "out"), first, second);

        Assert.True(result.ExitCode == 0, result.Output);
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "out", "summary.json"))))
        {
            Assert.Equal("study", summary.RootElement.GetProperty("mode").GetString());
            Assert.Equal(2048, summary.RootElement.GetProperty("memoryBudgetMB").GetInt32());   // the study run's default budget
        }
        var intervals = File.ReadAllLines(Path.Combine(_dir, "intervals.txt")).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => (Start: long.Parse(p[1]), End: long.Parse(p[2])));
        Assert.True(intervals["second"].Start >= intervals["first"].End,
            $"the second notebook started {TimeSpan.FromTicks(intervals["first"].End - intervals["second"].Start).TotalSeconds:0.0} s before the first ended");
    }

    [Fact]
    public void SummaryGivesEachCellsSecondsAndTheTableNamesTheSlowestThree()
    {
        var longLine = "var aVeryLongNameThatKeepsGoing = \"" + new string('x', 80) + "\";";
        var nb = NotebookFile.Write(Path.Combine(_dir, "timed.ipynb"),
            "\n// a comment line is the first line of code\nvar x = 1;",
            "System.Threading.Thread.Sleep(1500);",
            "System.Threading.Thread.Sleep(600);",
            longLine,
            "System.Threading.Thread.Sleep(300);");
        // A kernel that dies mid-notebook still gets its cells timed, from its progress lines.
        var dies = NotebookFile.Write(Path.Combine(_dir, "dies.ipynb"),
            "System.Threading.Thread.Sleep(400);",
            "System.Environment.Exit(9);");
        var outDir = Path.Combine(_dir, "out");

        var result = Repo.RunNotebooks("learner", outDir, nb, dies);

        Assert.Equal(1, result.ExitCode);                                       // dies.ipynb crashed
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var timed = summary.RootElement.GetProperty("notebooks")[0];
        Assert.Equal("passed", timed.GetProperty("status").GetString());
        Assert.Equal(5, timed.GetProperty("codeCells").GetInt32());
        var cells = timed.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4, 5], cells.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal("// a comment line is the first line of code", cells[0].GetProperty("firstLine").GetString());
        Assert.Equal(longLine[..60] + "…", cells[3].GetProperty("firstLine").GetString());
        Assert.True(cells[1].GetProperty("seconds").GetDouble() >= 1.5, cells[1].ToString());
        Assert.True(cells[2].GetProperty("seconds").GetDouble() >= 0.6, cells[2].ToString());
        Assert.All(cells, c => Assert.False(c.TryGetProperty("error", out _)));   // only a failing cell carries its error
        // The table: the slowest three, slowest first (the sleeps; cell 1 may be slow too, being the kernel's first).
        var row = result.Output.Split('\n').Single(l => l.TrimStart().StartsWith("timed.ipynb"));
        Assert.Matches(@"timed\.ipynb\s+passed\s+[\d.]+\s+\S+\s+\S+\s+\d: \d+\.\d, \d: \d+\.\d, \d: \d+\.\d", row);
        var slowest = System.Text.RegularExpressions.Regex.Matches(row, @"(\d): (\d+\.\d)").Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.True(slowest.IndexOf(2) >= 0 && (slowest.IndexOf(3) < 0 || slowest.IndexOf(2) < slowest.IndexOf(3)), row);

        var died = summary.RootElement.GetProperty("notebooks")[1];
        Assert.Equal("crashed", died.GetProperty("status").GetString());
        Assert.Equal(2, died.GetProperty("failedCell").GetInt32());
        var diedCells = died.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(2, diedCells.Count);
        Assert.Equal("System.Environment.Exit(9);", diedCells[1].GetProperty("firstLine").GetString());
        Assert.True(diedCells[0].GetProperty("seconds").GetDouble() >= 0.4, diedCells[0].ToString());
    }

    [Fact]
    public void BadMemoryBudgetIsAUsageError()
    {
        var result = Repo.Run("dotnet", [Repo.RunnerDll, "--out", _dir], Repo.Root,
            new Dictionary<string, string> { ["TUTORIALS_MEMORY_BUDGET_MB"] = "2GB" });
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("TUTORIALS_MEMORY_BUDGET_MB is '2GB', expected a whole number of megabytes", result.Output);
    }

    [Fact]
    public void BadModeIsAUsageError()
    {
        var result = Repo.Run("dotnet", [Repo.RunnerDll, "--out", _dir], Repo.Root, new Dictionary<string, string> { ["TUTORIALS_MODE"] = "quick" });
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("TUTORIALS_MODE is 'quick', expected 'learner' (each notebook a few minutes; the default when unset) or 'study'", result.Output);
    }

    [Theory]
    [InlineData("smoke", "learner")]
    [InlineData("full", "study")]
    public void TheOldSizeNamesAreRefusedNamingTheNewOnes(string old, string now)
    {
        // One name per purpose, no aliases: a script that still says smoke or full stops and says what to write.
        var result = Repo.Run("dotnet", [Repo.RunnerDll, "--out", _dir], Repo.Root, new Dictionary<string, string> { ["TUTORIALS_MODE"] = old });
        Assert.Equal(64, result.ExitCode);
        Assert.Contains($"TUTORIALS_MODE is '{old}', a name the kit no longer uses: the run sizes are now 'learner' (was smoke; the default when unset) and 'study' (was full). Set TUTORIALS_MODE={now}", result.Output);
    }

    [Fact]
    public void UnknownNotebookNameListsTheAvailableOnes()
    {
        var result = Repo.RunNotebooks("learner", _dir, "99-nope");
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("no notebook matches '99-nope'", result.Output);
        Assert.Contains("00-getting-started.ipynb", result.Output);
    }
}
