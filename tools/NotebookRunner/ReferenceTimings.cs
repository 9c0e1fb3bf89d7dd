using System.Text.Json;

namespace Tutorials.Runner;

/// <summary>
/// What the pre-flight compares this machine with (<c>tools/NotebookRunner/learner-timings.json</c>, committed): each
/// notebook's learner-run seconds and the calibration's seconds per step, measured in one session on one machine
/// (<see cref="Measured"/>, <see cref="Machine"/>). The expected time of a notebook here is its reference seconds
/// scaled by how much slower or faster the calibration step runs here. <see cref="Placeholder"/>: the figures are
/// not one real measurement yet, so the estimates are rough.
/// </summary>
sealed record ReferenceTimings(bool Placeholder, string? Note, string Measured, string Machine,
    double CalibrationSecondsPerStep, Dictionary<string, double> LearnerSeconds)
{
    public const string FileName = "learner-timings.json";

    public static string PathIn(string root) => Path.Combine(root, "tools", "NotebookRunner", FileName);

    public static ReferenceTimings Load(string path)
    {
        if (!File.Exists(path))
            throw new UsageException($"the pre-flight's reference timings are missing: expected {path} (committed with the runner); restore it with git checkout -- {Path.GetRelativePath(Directory.GetCurrentDirectory(), path)}");
        ReferenceTimings? t;
        try { t = JsonSerializer.Deserialize<ReferenceTimings>(File.ReadAllText(path), Json.Options); }
        catch (JsonException e) { throw new UsageException($"{path} is not valid JSON ({e.Message}); expected the reference timings written by --record-reference"); }
        if (t is null || t.CalibrationSecondsPerStep <= 0 || t.LearnerSeconds is null || t.LearnerSeconds.Count == 0 || string.IsNullOrWhiteSpace(t.Measured))
            throw new UsageException($"{path} lacks figures: expected \"measured\", \"machine\", \"calibrationSecondsPerStep\" (> 0) and \"learnerSeconds\" per notebook; write it with --preflight --record-reference");
        return t;
    }

    /// <summary>The reference from a learner run's summary.json (every notebook passed) and a calibration measured
    /// on the same machine, alone, in the same session.</summary>
    public static ReferenceTimings FromLearnerSummary(string summaryPath, double calibrationSecondsPerStep, string machine)
    {
        if (!File.Exists(summaryPath))
            throw new UsageException($"no summary at {summaryPath}: run the notebooks first (dotnet run --project tools/NotebookRunner -c Release -- --out {Path.GetDirectoryName(summaryPath)})");
        using var doc = JsonDocument.Parse(File.ReadAllText(summaryPath));
        var mode = doc.RootElement.TryGetProperty("mode", out var m) ? m.GetString() : null;
        if (mode != RunSize.Learner)
            throw new UsageException($"{summaryPath} is the summary of a '{mode ?? "?"}' run; the reference needs a learner run's (TUTORIALS_MODE unset or learner)");
        var seconds = new Dictionary<string, double>();
        foreach (var n in doc.RootElement.GetProperty("notebooks").EnumerateArray())
        {
            var name = Path.GetFileNameWithoutExtension(n.GetProperty("notebook").GetString()!);
            if (n.GetProperty("status").GetString() != "passed")
                throw new UsageException($"{summaryPath}: {name} did not pass; a failed run's duration is not a reference. Fix it and run again.");
            seconds[name] = n.GetProperty("seconds").GetDouble();
        }
        var finished = doc.RootElement.TryGetProperty("finishedUtc", out var f) && DateTime.TryParse(f.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var at)
            ? at.ToString("yyyy-MM-dd") : DateTime.UtcNow.ToString("yyyy-MM-dd");
        return new ReferenceTimings(false, null, finished, machine, Math.Round(calibrationSecondsPerStep, 3), seconds);
    }
}
