using Plotly.NET;

namespace Tutorials.Display;

/// <summary>Small conveniences missing from Plotly.NET.CSharp 0.14 (which has axis titles but no chart title).</summary>
public static class ChartExtensions
{
    /// <summary>Sets the chart's title.</summary>
    public static GenericChart WithTitle(this GenericChart chart, string title) =>
        Chart.withTitle(title, null).Invoke(chart);

    /// <summary>Sets the chart's size in pixels.</summary>
    public static GenericChart WithPixelSize(this GenericChart chart, int width, int height) =>
        Chart.withSize((double)width, (double)height).Invoke(chart);
}
