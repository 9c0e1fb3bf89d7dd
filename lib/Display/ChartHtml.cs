using System.Reflection;
using Plotly.NET;

namespace Tutorials.Display;

/// <summary>
/// Renders a Plotly.NET chart as HTML that works offline: the first chart shown in a kernel carries plotly.js
/// itself (taken from inside the Plotly.NET package, no CDN); every chart waits until plotly.js is there.
/// Notebook front ends (VS Code, Jupyter) run all outputs of a notebook in one page, so later charts reuse it.
/// </summary>
public static class ChartHtml
{
    static bool _libraryEmitted;
    static string? _plotlyJs;

    /// <summary>plotly.min.js as shipped inside Plotly.NET.dll.</summary>
    public static string PlotlyJs => _plotlyJs ??= ReadPlotlyJs();

    /// <summary>The chart as an HTML fragment; set <paramref name="includeLibrary"/> to force plotly.js in.</summary>
    public static string Render(GenericChart chart, bool? includeLibrary = null)
    {
        bool include = includeLibrary ?? !_libraryEmitted;
        _libraryEmitted = true;
        var id = "kit-chart-" + Guid.NewGuid().ToString("N");
        var figure = GenericChart.toFigureJson(chart);
        var library = include ? $"<script type=\"text/javascript\">{PlotlyJs}</script>" : "";
        return $$"""
            <div>{{library}}<div id="{{id}}"></div><script type="text/javascript">
            (function () {
              var figure = {{figure}};
              function draw() {
                if (typeof Plotly === 'undefined') { setTimeout(draw, 50); return; }
                Plotly.newPlot('{{id}}', figure.data, figure.layout, figure.config || {});
              }
              draw();
            })();
            </script></div>
            """;
    }

    static string ReadPlotlyJs()
    {
        var assembly = typeof(GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(".min.js", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException(
                       $"plotly.js was not found inside {assembly.GetName().Name} {assembly.GetName().Version}; expected Plotly.NET 6.0.0.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
