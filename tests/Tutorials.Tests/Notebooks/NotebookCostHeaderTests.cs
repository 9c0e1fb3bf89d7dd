using System.Text.Json;
using System.Text.RegularExpressions;
using Tutorials.Costs;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Notebooks;

/// <summary>
/// Every notebook's header says what it builds on, what it teaches and what it costs; the figures are written by
/// tools/NotebookCosts from the runner's summary.json (whose code is compiled into this test project).
/// </summary>
public class NotebookCostHeaderTests
{
    const string DurationPattern = @"\d+ s|\d+ min \d\d s|\d+ h \d\d min";
    static readonly Regex CostLinePattern = new(
        @"^- \*\*Cost on 2 CPU cores:\*\* learner run (" + DurationPattern + @") · study run (" + DurationPattern + @"|not measured yet) · " +
        @"peak memory (\d+(\.\d)? (MB|GB) \((study|learner)\)(, \d+(\.\d)? (MB|GB) \(learner\))?|not recorded) — measured by tools/NotebookRunner[^—]*\.$");

    static List<string> Header(string notebook) =>
        NotebookHeader.ReadHeader(File.ReadAllText(Path.Combine(Repo.Notebooks, notebook)), notebook);

    [Theory, MemberData(nameof(NotebookHygieneTests.AllNotebooks), MemberType = typeof(NotebookHygieneTests))]
    public void TheHeaderSaysWhatTheNotebookBuildsOnTeachesAndCosts(string notebook)
    {
        var header = Header(notebook).Select(l => l.TrimEnd('\n')).ToList();
        int start = header.IndexOf(CostBlock.Start), end = header.IndexOf(CostBlock.End);
        Assert.True(start >= 0 && end > start, $"{notebook}: the first markdown cell needs a block between \"{CostBlock.Start}\" and \"{CostBlock.End}\".");
        var block = header.Skip(start + 1).Take(end - start - 1).ToList();
        Assert.Contains(block, l => Regex.IsMatch(l, @"^- \*\*Builds on:\*\* \S.{5,}"));
        Assert.Contains(block, l => Regex.IsMatch(l, @"^- \*\*Concepts:\*\* \S.{20,}"));
        var cost = block.SingleOrDefault(l => l.StartsWith(CostBlock.Prefix, StringComparison.Ordinal));
        Assert.True(cost is not null, $"{notebook}: no cost line; run `dotnet run --project tools/NotebookCosts -- --learner … --study …` (CONTRIBUTING.md).");
        Assert.Matches(CostLinePattern, cost);
    }

    // ---- the tool itself, on a copy of a real notebook and hand-written summaries ----

    static string WriteSummary(string dir, string file, string mode, params string[] entries)
    {
        var path = Path.Combine(dir, file);
        File.WriteAllText(path, $$"""{"mode": "{{mode}}", "finishedUtc": "2026-01-01T00:00:00Z", "totalSeconds": 1, "notebooks": [{{string.Join(",", entries)}}]}""");
        return path;
    }

    static string Entry(string notebook, double seconds, double? peakMB = null, string status = "passed") =>
        $$"""{"notebook": "{{notebook}}.ipynb", "status": "{{status}}", "seconds": {{seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "cells": [{"index": 1, "firstLine": "Tutorials.Kit.Setup()", "seconds": 1.5}], "results": {}{{(peakMB is null ? "" : $", \"peakResidentMB\": {peakMB.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}")}}}""";

    [Fact]
    public void TheToolWritesTheFiguresAndChangesNothingElseInTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("costs-").FullName;
        try
        {
            const string name = "01-feature-concatenation";
            var path = Path.Combine(dir, name + ".ipynb");
            File.Copy(Path.Combine(Repo.Notebooks, name + ".ipynb"), path);
            var before = File.ReadAllText(path);
            var oldLine = Header(name + ".ipynb").Single(l => l.StartsWith(CostBlock.Prefix, StringComparison.Ordinal));

            var learner = RunSummary.ReadAll([WriteSummary(dir, "learner.json", "learner", Entry(name, 95.4, 2048))], "learner");
            var study = RunSummary.ReadAll([WriteSummary(dir, "study.json", "study", Entry(name, 480.2, 3175))], "study");
            var line = CostBlock.CostLine(new Measurements(learner, study).For(name), "quiet machine");
            NotebookHeader.WriteCostLine(path, line);

            Assert.Equal("- **Cost on 2 CPU cores:** learner run 1 min 35 s · study run 8 min 00 s · peak memory 3.1 GB (study), 2.0 GB (learner) " +
                         "— measured by tools/NotebookRunner, quiet machine.", line);
            Assert.Matches(CostLinePattern, line);
            var after = File.ReadAllText(path);
            Assert.Equal(before.Replace(NotebookHeader.Encode(oldLine), NotebookHeader.Encode(line + "\n")), after);
            using var _ = JsonDocument.Parse(after);
            NotebookHeader.WriteCostLine(path, line);                                  // idempotent
            Assert.Equal(after, File.ReadAllText(path));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ASummaryWithoutPeakMemoryGivesAClearWarningAndAnHonestLine()
    {
        var dir = Directory.CreateTempSubdirectory("costs-").FullName;
        try
        {
            var learner = RunSummary.ReadAll([WriteSummary(dir, "learner.json", "learner", Entry("00-x", 12))], "learner");
            var measured = new Measurements(learner, null);
            Assert.Contains(measured.Warnings(), w => w.Contains("peakResidentMB") && w.Contains("not recorded"));
            Assert.Contains(measured.Warnings(), w => w.Contains("study run is not measured yet"));
            Assert.Equal("- **Cost on 2 CPU cores:** learner run 12 s · study run not measured yet · peak memory not recorded — measured by tools/NotebookRunner.",
                CostBlock.CostLine(measured.For("00-x"), null));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ASummaryOfTheWrongModeOrAFailedRunIsRefusedWithWhatToDo()
    {
        var dir = Directory.CreateTempSubdirectory("costs-").FullName;
        try
        {
            var study = WriteSummary(dir, "study.json", "study", Entry("00-x", 12));
            var e = Assert.Throws<CostException>(() => RunSummary.ReadAll([study], "learner"));
            Assert.Contains("is a study-run summary, but it was given as --learner. Pass it as --study", e.Message);

            var failed = WriteSummary(dir, "failed.json", "learner", Entry("02-y", 40, status: "failed"));
            e = Assert.Throws<CostException>(() => RunSummary.ReadAll([failed], "learner"));
            Assert.Contains("02-y did not pass (failed)", e.Message);

            e = Assert.Throws<CostException>(() => RunSummary.ReadAll([Path.Combine(dir, "missing.json")], "learner"));
            Assert.Contains("Run the notebooks first: TUTORIALS_MODE=learner", e.Message);

            // A summary written before the sizes were renamed is named as such, with what to do.
            var old = WriteSummary(dir, "old.json", "smoke", Entry("00-x", 12));
            e = Assert.Throws<CostException>(() => RunSummary.ReadAll([old], "learner"));
            Assert.Contains("is a smoke-mode summary, written before the run sizes were renamed (smoke is now learner)", e.Message);
            Assert.Contains("changing its \"mode\" to \"learner\"", e.Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ANotebookWithoutACostBlockIsNamed()
    {
        var e = Assert.Throws<CostException>(() => CostBlock.Rewrite(["# Title\n", "\n", "Text."], "- **Cost on 2 CPU cores:** …", "05-new.ipynb"));
        Assert.Contains("05-new.ipynb: the first markdown cell has no cost block", e.Message);
    }
}
