using System.Text.Json;

namespace Tutorials.NotebookApps;

/// <summary>One cell of a notebook: "code" or "markdown", its text and its index in the .ipynb (0-based).</summary>
public sealed record Cell(int Index, string Kind, string Source);

/// <summary>Reads the cells of a .ipynb file (nbformat 4) with nothing but System.Text.Json.</summary>
public static class Notebook
{
    public static IReadOnlyList<Cell> Cells(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        if (!doc.RootElement.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{path} has no \"cells\" array; expected a Jupyter notebook (nbformat 4).");
        return cells.EnumerateArray().Select((c, i) => new Cell(i,
            c.GetProperty("cell_type").GetString() ?? "",
            Source(c.GetProperty("source")).Replace("\r\n", "\n"))).ToList();
    }

    static string Source(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? string.Concat(e.EnumerateArray().Select(x => x.GetString())) : e.GetString() ?? "";
}
