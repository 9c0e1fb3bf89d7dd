using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;

namespace Tutorials.Display;

/// <summary>How the kit's objects render in a notebook.</summary>
public static class Formatters
{
    static bool _registered;

    /// <summary>Registers HTML formatters for <see cref="DataFrame"/> tables, Plotly.NET charts and the kit's HTML (once).</summary>
    public static void RegisterFormatters()
    {
        if (_registered) return;
        Formatter.Register<DataFrame>((df, writer) => writer.Write(ToHtml(df)), HtmlFormatter.MimeType);
        Formatter.Register<Plotly.NET.GenericChart>((chart, writer) => writer.Write(ChartHtml.Render(chart)), HtmlFormatter.MimeType);
        // The kit's own HTML (image grids, segmentation strips, training progress) is an HtmlString. Jupyter and
        // VS Code write it as it is, but dotnet-repl's kernel formats it as an object (a tree view showing the
        // escaped markup). Saying explicitly that an HtmlString is its own HTML makes every front end agree.
        Formatter.Register<HtmlString>((html, writer) => writer.Write(html.Value), HtmlFormatter.MimeType);
        _registered = true;
    }

    /// <summary>An HTML table of the first <paramref name="maxRows"/> rows; numbers get 4 significant digits.</summary>
    public static string ToHtml(DataFrame df, int maxRows = 50)
    {
        var sb = new StringBuilder("<table class=\"kit-table\"><thead><tr>");
        foreach (var c in df.Columns) sb.Append("<th>").Append(WebUtility.HtmlEncode(c.Name)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        long rows = Math.Min(df.Rows.Count, maxRows);
        for (long r = 0; r < rows; r++)
        {
            sb.Append("<tr>");
            foreach (var c in df.Columns) sb.Append("<td>").Append(WebUtility.HtmlEncode(FormatCell(c[r]))).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (df.Rows.Count > maxRows) sb.Append($"<p>({df.Rows.Count - maxRows} more rows)</p>");
        return sb.ToString();
    }

    static string FormatCell(object? v) => v switch
    {
        null => "",
        double d => d.ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? ""
    };
}
