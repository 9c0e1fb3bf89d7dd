using System.Text;
using System.Text.Json;

namespace Tutorials.Costs;

/// <summary>
/// Edits the first markdown cell of an .ipynb in place, at the text level: only the JSON string lines of the
/// cost block change, so the rest of the file (its formatting, other cells) stays byte for byte the same and
/// merges stay clean. The result is parsed back and checked before it replaces the file (temp name + rename).
/// </summary>
public static class NotebookHeader
{
    /// <summary>The first markdown cell's source lines.</summary>
    public static List<string> ReadHeader(string notebookText, string notebook)
    {
        using var doc = JsonDocument.Parse(notebookText);
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.GetProperty("cell_type").GetString() != "markdown") continue;
            var source = cell.GetProperty("source");
            return source.ValueKind == JsonValueKind.Array
                ? source.EnumerateArray().Select(l => l.GetString() ?? "").ToList()
                : SplitLines(source.GetString() ?? "");
        }
        throw new CostException($"{notebook} has no markdown cell; the cost block lives in the first one (the title cell).");
    }

    public static void WriteCostLine(string path, string costLine)
    {
        var name = Path.GetFileName(path);
        var text = File.ReadAllText(path);
        var updated = WithCostLine(text, costLine, name);
        if (updated == text) return;
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temp, updated, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The notebook's text with the cost line written into its header's cost block.</summary>
    public static string WithCostLine(string notebookText, string costLine, string notebook)
    {
        var header = ReadHeader(notebookText, notebook);
        var wanted = CostBlock.Rewrite(header, costLine, notebook);

        // The header's source array as the file spells it: one JSON string per line, one per text line.
        int start = header.FindIndex(l => l.Trim() == CostBlock.Start), end = header.FindIndex(l => l.Trim() == CostBlock.End);
        string startJson = Encode(header[start]), endJson = Encode(header[end]);
        int startAt = notebookText.IndexOf(startJson, StringComparison.Ordinal);
        int endAt = startAt < 0 ? -1 : notebookText.IndexOf(endJson, startAt, StringComparison.Ordinal);
        if (startAt < 0 || endAt < 0)
            throw new CostException($"{notebook}: the cost block is not stored as one JSON string per line; save the notebook with its cells' source as lists of lines.");
        int lineStart = notebookText.LastIndexOf('\n', startAt) + 1;
        string indent = notebookText[lineStart..startAt];
        int blockEnd = notebookText.IndexOf('\n', endAt);                      // end of the "<!-- /cost -->" line
        int endWanted = end + wanted.Count - header.Count;                    // the end marker's index after the rewrite
        var block = new StringBuilder();
        for (int i = start; i <= endWanted; i++)
            block.Append(indent).Append(Encode(wanted[i])).Append(i < endWanted ? ",\n" : "");
        string trailer = notebookText[(endAt + endJson.Length)..blockEnd];     // "," (or nothing) as it was
        var result = notebookText[..lineStart] + block + trailer + notebookText[blockEnd..];

        if (!ReadHeader(result, notebook).SequenceEqual(wanted))
            throw new CostException($"{notebook}: rewriting the cost block did not give the expected header; the file was left unchanged.");
        return result;
    }

    /// <summary>A JSON string as Python's json.dump(ensure_ascii=False) writes it (the notebooks' own style).</summary>
    public static string Encode(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append($"\\u{(int)c:x4}"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.Append('"').ToString();
    }

    static List<string> SplitLines(string s)
    {
        var parts = s.Split('\n');
        var lines = parts[..^1].Select(p => p + "\n").ToList();
        if (parts[^1].Length > 0) lines.Add(parts[^1]);
        return lines;
    }
}
