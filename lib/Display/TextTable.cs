using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace Tutorials.Display;

/// <summary>
/// A <see cref="DataFrame"/> as a plain-text table for the console: one line per row, columns padded, numbers
/// right-aligned with 4 significant digits (as in the notebook's HTML table, <see cref="Formatters.ToHtml"/>).
/// </summary>
public static class TextTable
{
    public static string Render(DataFrame df, int maxRows = 50)
    {
        var columns = df.Columns.ToList();
        long rows = Math.Min(df.Rows.Count, maxRows);
        var cells = new string[rows + 1][];
        cells[0] = columns.Select(c => c.Name).ToArray();
        for (long r = 0; r < rows; r++) cells[r + 1] = columns.Select(c => Format(c[r])).ToArray();
        var widths = Enumerable.Range(0, columns.Count).Select(i => cells.Max(row => row[i].Length)).ToArray();
        var numeric = columns.Select(c => c.DataType != typeof(string) && c.DataType != typeof(bool)).ToArray();

        var sb = new StringBuilder();
        for (int r = 0; r < cells.Length; r++)
        {
            var parts = cells[r].Select((text, i) => numeric[i] && r > 0 ? text.PadLeft(widths[i]) : text.PadRight(widths[i]));
            sb.AppendLine(string.Join("  ", parts).TrimEnd());
            if (r == 0) sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        }
        if (df.Rows.Count > maxRows) sb.AppendLine($"({df.Rows.Count - maxRows} more rows)");
        return sb.ToString().TrimEnd('\n');
    }

    static string Format(object? v) => v switch
    {
        null => "",
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        float f => f.ToString("G4", CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""
    };
}
