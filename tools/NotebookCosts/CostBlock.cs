using System.Globalization;

namespace Tutorials.Costs;

/// <summary>
/// The cost block of a notebook header: the lines between <c>&lt;!-- cost --&gt;</c> and <c>&lt;!-- /cost --&gt;</c>
/// in the first markdown cell. Authors write its "Builds on" and "Concepts" lines; this tool owns the one line
/// that starts with <see cref="Prefix"/>.
/// </summary>
public static class CostBlock
{
    public const string Start = "<!-- cost -->";
    public const string End = "<!-- /cost -->";
    public const string Prefix = "- **Cost on 2 CPU cores:**";

    /// <summary>The cost line for one notebook, e.g. "- **Cost on 2 CPU cores:** learner run 1 min 35 s · study run …".</summary>
    public static string CostLine((NotebookCost? Learner, NotebookCost? Study, bool StudyGiven) m, string? note)
    {
        var parts = new List<string>
        {
            m.Learner is null ? "learner run not measured yet" : $"learner run {Duration(m.Learner.Seconds)}",
            m.Study is null ? "study run not measured yet" : $"study run {Duration(m.Study.Seconds)}",
        };
        var peaks = new List<string>();
        if (m.Study?.PeakResidentMB is double pf) peaks.Add($"{Memory(pf)} (study)");
        if (m.Learner?.PeakResidentMB is double pl) peaks.Add($"{Memory(pl)} (learner)");
        parts.Add(peaks.Count > 0 ? "peak memory " + string.Join(", ", peaks) : "peak memory not recorded");
        var source = "measured by tools/NotebookRunner" + (string.IsNullOrWhiteSpace(note) ? "" : $", {note.Trim()}");
        return $"{Prefix} {string.Join(" · ", parts)} — {source}.";
    }

    /// <summary>"48 s", "3 min 05 s", "1 h 02 min".</summary>
    public static string Duration(double seconds)
    {
        var s = (long)Math.Round(seconds);
        if (s < 60) return $"{s} s";
        if (s < 3600) return $"{s / 60} min {s % 60:00} s";
        return $"{s / 3600} h {s % 3600 / 60:00} min";
    }

    /// <summary>"850 MB" or "2.3 GB" (1 GB = 1024 MB).</summary>
    public static string Memory(double mb) =>
        mb < 1024 ? $"{Math.Round(mb).ToString(CultureInfo.InvariantCulture)} MB" : $"{(mb / 1024).ToString("0.0", CultureInfo.InvariantCulture)} GB";

    /// <summary>
    /// The header's lines (each ending in "\n" but maybe the last) with the cost line replaced — or added before
    /// the end marker when there is none. Throws when the markers are missing or out of order.
    /// </summary>
    public static List<string> Rewrite(IReadOnlyList<string> headerLines, string costLine, string notebook)
    {
        int start = IndexOf(headerLines, Start), end = IndexOf(headerLines, End);
        if (start < 0 || end < 0 || end < start)
            throw new CostException(
                $"{notebook}: the first markdown cell has no cost block. Add the lines \"{Start}\", \"- **Builds on:** …\", \"- **Concepts:** …\" and \"{End}\" " +
                "below the title; this tool then fills in the cost line.");
        var result = headerLines.ToList();
        int existing = -1;
        for (int i = start + 1; i < end; i++)
            if (result[i].StartsWith(Prefix, StringComparison.Ordinal)) { existing = i; break; }
        if (existing >= 0) result[existing] = costLine + "\n";
        else result.Insert(end, costLine + "\n");
        return result;
    }

    static int IndexOf(IReadOnlyList<string> lines, string marker)
    {
        for (int i = 0; i < lines.Count; i++)
            if (lines[i].Trim() == marker) return i;
        return -1;
    }
}
