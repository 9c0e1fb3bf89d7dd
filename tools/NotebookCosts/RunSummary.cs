using System.Text.Json;

namespace Tutorials.Costs;

/// <summary>What one notebook cost in one run, as the runner measured it.</summary>
public sealed record NotebookCost(string Notebook, double Seconds, double? PeakResidentMB);

/// <summary>
/// Reads the runner's summary.json (tools/NotebookRunner): top-level <c>mode</c> and <c>notebooks</c>, each with
/// <c>notebook</c>, <c>status</c>, <c>seconds</c> and — in runners that measure it — <c>peakResidentMB</c>.
/// Property names are matched without regard to case.
/// </summary>
public static class RunSummary
{
    /// <summary>The run sizes a summary's <c>mode</c> names (tools/NotebookRunner, TUTORIALS_MODE).</summary>
    public const string Learner = "learner", Study = "study";

    /// <summary>Reads several summaries of the same mode; a notebook measured twice keeps its later measurement.</summary>
    public static Dictionary<string, NotebookCost> ReadAll(IEnumerable<string> paths, string expectedMode)
    {
        var all = new Dictionary<string, NotebookCost>(StringComparer.Ordinal);
        foreach (var path in paths)
            foreach (var cost in Read(path, expectedMode)) all[cost.Notebook] = cost;
        return all;
    }

    public static List<NotebookCost> Read(string path, string expectedMode)
    {
        if (!File.Exists(path))
            throw new CostException($"No summary at {path}. Run the notebooks first: TUTORIALS_MODE={expectedMode} dotnet run --project tools/NotebookRunner -c Release -- --out {Path.GetDirectoryName(path)}");
        using var doc = ParseJson(path);
        var root = doc.RootElement;
        var mode = Get(root, "mode")?.GetString();
        if (mode is null)
            throw new CostException($"{path} has no top-level \"mode\"; expected a summary.json written by tools/NotebookRunner.");
        if (mode.ToLowerInvariant() is "smoke" or "full")
        {
            var now = mode.Equals("smoke", StringComparison.OrdinalIgnoreCase) ? Learner : Study;
            throw new CostException($"{path} is a {mode}-mode summary, written before the run sizes were renamed ({mode} is now {now}). " +
                                    $"Run the notebooks again (TUTORIALS_MODE={now}); a summary whose figures still hold can be reused by changing its \"mode\" to \"{now}\".");
        }
        if (!string.Equals(mode, expectedMode, StringComparison.OrdinalIgnoreCase))
            throw new CostException($"{path} is a {mode}-run summary, but it was given as --{expectedMode}. Pass it as --{mode.ToLowerInvariant()}.");
        var notebooks = Get(root, "notebooks");
        if (notebooks is not { ValueKind: JsonValueKind.Array })
            throw new CostException($"{path} has no \"notebooks\" array; expected a summary.json written by tools/NotebookRunner.");

        var result = new List<NotebookCost>();
        foreach (var entry in notebooks.Value.EnumerateArray())
        {
            var file = Get(entry, "notebook")?.GetString()
                ?? throw new CostException($"{path}: an entry of \"notebooks\" has no \"notebook\" name.");
            var name = Path.GetFileNameWithoutExtension(file);
            var status = Get(entry, "status")?.GetString();
            if (status != "passed")
                throw new CostException($"{path}: {name} did not pass ({status ?? "no status"}); a failed run's duration is not its cost. Fix the notebook and run it again.");
            var seconds = Get(entry, "seconds") is { ValueKind: JsonValueKind.Number } s ? s.GetDouble()
                : throw new CostException($"{path}: {name} has no \"seconds\".");
            double? peak = Get(entry, "peakResidentMB") is { ValueKind: JsonValueKind.Number } p ? p.GetDouble() : null;
            result.Add(new NotebookCost(name, seconds, peak));
        }
        return result;
    }

    static JsonDocument ParseJson(string path)
    {
        try { return JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new CostException($"{path} is not valid JSON ({e.Message})."); }
    }

    static JsonElement? Get(JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        foreach (var p in e.EnumerateObject())
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        return null;
    }
}

/// <summary>The learner-run and (optional) study-run measurements together.</summary>
public sealed class Measurements(Dictionary<string, NotebookCost> learner, Dictionary<string, NotebookCost>? study)
{
    public (NotebookCost? Learner, NotebookCost? Study, bool StudyGiven) For(string notebook) =>
        (learner.GetValueOrDefault(notebook), study?.GetValueOrDefault(notebook), study is not null);

    /// <summary>What the headers will not be able to say, in words.</summary>
    public IEnumerable<string> Warnings()
    {
        if (study is null) yield return "no --study summary: headers will say the study run is not measured yet.";
        var all = learner.Values.Concat(study?.Values.AsEnumerable() ?? []);
        if (all.Any(c => c.PeakResidentMB is null))
            yield return "the summary has no \"peakResidentMB\" for some notebooks (a runner that does not measure memory yet): " +
                         "their headers will say peak memory was not recorded. Rerun with a runner that writes peakResidentMB.";
    }
}
