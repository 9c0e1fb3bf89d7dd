using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Tutorials.Display;

namespace Tutorials.Training;

/// <summary>Learning curves of a <see cref="TrainingHistory"/> as a Plotly.NET chart (renders inline in a notebook).</summary>
public static class TrainingHistoryChart
{
    /// <summary>
    /// Two panels over epochs: the losses (train_loss and every metric whose name contains "loss") on top, the other
    /// metrics (accuracy, recall, …) below. Why two panels: losses and accuracies live on different scales, and
    /// a gap between train_loss and val_loss (overfitting) is easiest to see when they share an axis.
    /// </summary>
    public static GenericChart Plot(this TrainingHistory history, string? title = null)
    {
        if (history.Epochs.Count == 0)
            throw new InvalidOperationException("Expected a history with at least one epoch, got none: plot after training.");

        var losses = new List<GenericChart> { Curve(history, TrainingHistory.TrainLossName) };
        var others = new List<GenericChart>();
        foreach (var name in history.MetricNames)
            (name.Contains("loss", StringComparison.OrdinalIgnoreCase) ? losses : others).Add(Curve(history, name));

        var lossPanel = CSharpChart.Combine(losses);
        var chart = others.Count == 0
            ? lossPanel
            : CSharpChart.Grid(new[] { lossPanel, CSharpChart.Combine(others) }, nRows: 2, nCols: 1);
        return chart.WithTitle(title ?? $"Training history (best {history.Monitor} at epoch {history.BestEpoch})");
    }

    /// <summary>One line per metric; epochs where the metric is missing are left out.</summary>
    static GenericChart Curve(TrainingHistory history, string name)
    {
        var points = history.Epochs
            .Select(e => (e.Epoch, Value: name == TrainingHistory.TrainLossName ? e.TrainLoss : e.Metrics.GetValueOrDefault(name, double.NaN)))
            .Where(p => !double.IsNaN(p.Value))
            .ToList();
        return CSharpChart.Line<int, double, string>(x: points.Select(p => p.Epoch), y: points.Select(p => p.Value), Name: name, ShowMarkers: true);
    }
}
