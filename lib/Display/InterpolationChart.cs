using Plotly.NET;
using Plotly.NET.CSharp;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Tutorials.Display;

namespace Tutorials.Display;

/// <summary>
/// Accuracy along the straight line θ = (1 − α)·θ₁ + α·θ₂ between two trained models, one line per pair: the shape
/// between a pair's own two ends (flat, or a dip in the middle) is what says whether its weights can be averaged.
/// </summary>
public static class InterpolationChart
{
    /// <summary>One line per (name, accuracy at each α) over the x axis <paramref name="alphas"/>.</summary>
    public static GenericChart Of(IReadOnlyList<double> alphas, string title, string accuracyAxis,
        params (string Name, IReadOnlyList<double> Accuracy)[] curves)
    {
        if (curves.Length == 0) throw new ArgumentException("Expected at least one curve (name, accuracies), got none.", nameof(curves));
        foreach (var (name, accuracy) in curves)
            if (accuracy.Count != alphas.Count)
                throw new ArgumentException($"Expected one accuracy per α ({alphas.Count}) for \"{name}\", got {accuracy.Count}.", nameof(curves));
        return CSharpChart.Combine(curves.Select(c => CSharpChart.Line<double, double, string>(x: alphas, y: c.Accuracy, Name: c.Name)))
            .WithXAxisStyle<double, double, string>(TitleText: "α   (θ = (1 − α)·θ₁ + α·θ₂)")
            .WithYAxisStyle<double, double, string>(TitleText: accuracyAxis)
            .WithTitle(title);
    }
}
