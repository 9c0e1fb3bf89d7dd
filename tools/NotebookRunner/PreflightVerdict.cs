using System.Globalization;

namespace Tutorials.Runner;

/// <summary>Everything the pre-flight found, as written to <c>preflight.json</c>; the verdict is decided from this alone.</summary>
sealed record PreflightFindings(
    List<SetupFinding> Setups,
    List<CheckFinding> Checks,
    Dictionary<string, string> Environment,
    double? CalibrationSecondsPerStep,
    ReferenceTimings Reference,
    List<string> Notebooks,
    double? MemoryAvailableMB,
    int MemoryBudgetMB,
    double MaxMinutesPerNotebook,
    double Seconds);

/// <summary>A notebook's first code cell (its packages and <c>Kit.Setup()</c>), run in a fresh kernel.</summary>
sealed record SetupFinding(string Notebook, bool Passed, string? Error);

/// <summary>One check run after a setup cell: a weights conversion, the environment report, the calibration.
/// <see cref="Ran"/> false: not tried, because the setup cell before it failed.</summary>
sealed record CheckFinding(string Name, bool Ran, bool Passed, string? Error);

/// <summary>The verdict: ready or not, the reasons (each says what to do), notes that do not block, and the
/// expected minutes of each notebook's learner run here (null where there is no reference figure).</summary>
sealed record Verdict(bool Ready, List<string> Reasons, List<string> Notes, double? Slowdown,
    List<(string Notebook, double? Minutes)> Expected);

/// <summary>
/// Decides whether a machine is ready for a workshop from what the pre-flight found. Pure: no kernels, no files, so
/// that every rule can be tested with made-up findings (<c>--preflight-verdict FILE</c>).
/// </summary>
static class PreflightVerdict
{
    public const int NotReadyExitCode = 4;

    public static Verdict Decide(PreflightFindings f)
    {
        var reasons = new List<string>();
        var notes = new List<string>();

        foreach (var s in f.Setups.Where(s => !s.Passed))
            reasons.Add($"{s.Notebook}: its first cell (packages and Kit.Setup()) failed in a fresh kernel: {FirstLine(s.Error)}. " +
                        "While online, check that the NuGet feed answers and that `dotnet build lib` succeeds, then run the pre-flight again.");
        foreach (var c in f.Checks.Where(c => c.Ran && !c.Passed))
            reasons.Add($"{c.Name} failed: {FirstLine(c.Error)}");
        if (f.Checks.Any(c => !c.Ran))
            reasons.Add($"not checked, because the setup cell before them failed: {string.Join(", ", f.Checks.Where(c => !c.Ran).Select(c => c.Name))}.");

        // The environment report's rows (Kit.EnvironmentReport): a missing native fix and a wrong convolution gradient
        // block; the others are guarded by the kit and only worth knowing.
        if (f.Environment.TryGetValue("TorchSharp native fix", out var fix) && fix.StartsWith("TorchSharp fix needed but", StringComparison.Ordinal))
            reasons.Add($"TorchSharp's native library cannot be made loadable here: {fix}");
        if (f.Environment.TryGetValue("channels-last convolution", out var conv) && conv.StartsWith("wrong", StringComparison.Ordinal))
            notes.Add($"channels-last convolution is {conv}. The notebooks are unaffected.");
        // A wrong convolution gradient means wrong training in notebooks 02–04: that blocks, with the remedy.
        if (f.Environment.TryGetValue("convolution gradient", out var grad) && grad.StartsWith("wrong", StringComparison.Ordinal))
            reasons.Add($"the convolution gradient check is {grad}: training would compute wrong numbers here. Set " +
                        "ONEDNN_MAX_CPU_ISA=AVX2 (or SSE41) in the environment before starting the notebooks, then run the pre-flight again.");
        if (f.Environment.TryGetValue("oneDNN instruction set", out var isa) && !isa.StartsWith("capped", StringComparison.Ordinal))
            notes.Add($"oneDNN instruction set: {isa}. Seeded results may differ from the notebooks' text.");

        if (f.MemoryAvailableMB is double available && available < f.MemoryBudgetMB)
            reasons.Add($"only {available:0} MB of memory is available now, and one notebook may use up to {f.MemoryBudgetMB} MB ({MemoryBudget.Variable}). " +
                        "Close other programs (browsers, containers) and run the pre-flight again.");
        else if (f.MemoryAvailableMB is null)
            notes.Add("available memory was not measured (not Linux); each notebook may use up to " + f.MemoryBudgetMB + " MB.");

        double? slowdown = f.CalibrationSecondsPerStep is double here ? here / f.Reference.CalibrationSecondsPerStep : null;
        var expected = f.Notebooks.Select(nb => (nb, slowdown is double k && f.Reference.LearnerSeconds.TryGetValue(nb, out var s) ? s * k / 60 : (double?)null)).ToList();
        var tooSlow = expected.Where(e => e.Item2 > f.MaxMinutesPerNotebook).ToList();
        if (tooSlow.Count > 0)
            reasons.Add($"{string.Join(", ", tooSlow.Select(e => $"{e.nb} (~{Minutes(e.Item2)} min)"))} would take longer than the {Minutes(f.MaxMinutesPerNotebook)} min a notebook may take " +
                        $"(--max-minutes): a training step runs {slowdown:0.0}× as long here as on the reference machine. Close other programs, plug in the charger " +
                        "(laptops slow down on battery), run again; or plan the session for these times.");
        if (slowdown is null && f.Checks.All(c => c.Ran && c.Passed))
            reasons.Add("the calibration gave no figure, so the notebooks' times here are unknown.");
        var unknown = expected.Where(e => e.Item2 is null && slowdown is not null).Select(e => e.nb).ToList();
        if (unknown.Count > 0)
            notes.Add($"no reference time for {string.Join(", ", unknown)} in {ReferenceTimings.FileName}.");
        if (f.Reference.Placeholder)
            notes.Add($"the reference timings are placeholders ({ReferenceTimings.FileName}), so the expected minutes are rough.");

        return new Verdict(reasons.Count == 0, reasons, notes, slowdown, expected);
    }

    /// <summary>The verdict in a few lines, as printed at the end of the pre-flight.</summary>
    public static List<string> Describe(Verdict v, PreflightFindings f)
    {
        var lines = new List<string> { v.Ready ? "Pre-flight verdict: READY" : "Pre-flight verdict: NOT READY" };
        if (v.Ready)
            lines.Add($"  packages restored and set up for {f.Setups.Count} notebook(s); pretrained weights in the cache; environment checked. " +
                      "Nothing the notebooks need comes from the network now.");
        lines.AddRange(v.Reasons.Select(r => "  ✗ " + r));
        lines.AddRange(v.Notes.Select(n => "  note: " + n));
        if (v.Slowdown is double k)
        {
            lines.Add($"  expected minutes per notebook here, learner run (a calibration step took {f.CalibrationSecondsPerStep:0.00} s here, " +
                      $"{f.Reference.CalibrationSecondsPerStep:0.00} s on the reference machine: {k:0.0}×; reference measured {f.Reference.Measured}, {f.Reference.Machine}):");
            lines.Add("    " + string.Join(" · ", v.Expected.Select(e => $"{e.Notebook} {(e.Minutes is double m ? Minutes(m) : "?")}")));
        }
        else lines.Add("  expected minutes per notebook: unknown (no calibration figure).");
        return lines;
    }

    static string Minutes(double? m) => m is double v ? v.ToString(v < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) : "?";

    static string FirstLine(string? error) =>
        string.IsNullOrWhiteSpace(error) ? "(no message)" : error.Trim().Split('\n')[0].Trim();
}
