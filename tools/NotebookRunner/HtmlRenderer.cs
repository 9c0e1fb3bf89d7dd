using System.Net;
using System.Text;
using System.Text.Json;
using Markdig;

namespace Tutorials.Runner;

/// <summary>
/// Turns an executed .ipynb into one standalone HTML page that works offline: markdown rendered, code shown,
/// outputs inlined. Charts carry plotly.js themselves (the kit's chart formatter embeds it), so the page
/// loads nothing from the network.
/// </summary>
static class HtmlRenderer
{
    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string Render(string ipynbJson, string title)
    {
        using var doc = JsonDocument.Parse(ipynbJson);
        var html = new StringBuilder();
        html.Append($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title><style>{Css}</style></head><body><main>");
        int codeIndex = 0;
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            var type = cell.GetProperty("cell_type").GetString();
            var source = JoinSource(cell.GetProperty("source"));
            if (type == "markdown")
            {
                html.Append("<section class=\"md\">").Append(Markdig.Markdown.ToHtml(source, Markdown)).Append("</section>");
                continue;
            }
            if (type != "code") continue;
            codeIndex++;
            html.Append($"<section class=\"code\"><div class=\"prompt\">[{codeIndex}]</div><pre><code>{WebUtility.HtmlEncode(source)}</code></pre>");
            if (cell.TryGetProperty("outputs", out var outputs))
                foreach (var o in outputs.EnumerateArray()) html.Append(RenderOutput(o));
            html.Append("</section>");
        }
        html.Append("</main></body></html>");
        return html.ToString();
    }

    static string RenderOutput(JsonElement o)
    {
        switch (o.GetProperty("output_type").GetString())
        {
            case "stream":
                var cls = o.TryGetProperty("name", out var n) && n.GetString() == "stderr" ? "stderr" : "stdout";
                return $"<pre class=\"out {cls}\">{WebUtility.HtmlEncode(JoinSource(o.GetProperty("text")))}</pre>";
            case "error":
                var text = o.TryGetProperty("evalue", out var ev) ? ev.GetString() : "error";
                return $"<pre class=\"out error\">{WebUtility.HtmlEncode(text)}</pre>";
            default:
                if (!o.TryGetProperty("data", out var data)) return "";
                if (data.TryGetProperty("text/html", out var h)) return $"<div class=\"out html\">{JoinSource(h)}</div>";
                if (data.TryGetProperty("image/png", out var png)) return $"<div class=\"out\"><img src=\"data:image/png;base64,{JoinSource(png)}\"></div>";
                if (data.TryGetProperty("text/plain", out var t)) return $"<pre class=\"out\">{WebUtility.HtmlEncode(JoinSource(t))}</pre>";
                return "";
        }
    }

    static string JoinSource(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? string.Concat(e.EnumerateArray().Select(x => x.GetString())) : e.GetString() ?? "";

    const string Css = """
        body { font-family: system-ui, sans-serif; margin: 0; background: #fafafa; color: #222; }
        main { max-width: 980px; margin: 0 auto; padding: 24px; }
        section.md { line-height: 1.5; }
        section.code { background: #fff; border: 1px solid #ddd; border-radius: 6px; margin: 12px 0; padding: 8px 12px; }
        .prompt { color: #888; font-size: 12px; }
        pre { overflow-x: auto; } code { font-family: ui-monospace, monospace; font-size: 13px; }
        pre.out { background: #f4f4f4; padding: 6px; margin: 6px 0; font-size: 12px; }
        pre.stderr, pre.error { background: #fde8e8; color: #900; }
        table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid #ccc; padding: 3px 8px; font-size: 13px; }
        th { background: #eee; }
        """;
}
