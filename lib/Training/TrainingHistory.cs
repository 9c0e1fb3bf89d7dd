using Microsoft.Data.Analysis;

namespace Tutorials.Training;

/// <summary>What happened in one epoch.</summary>
/// <param name="Epoch">1-based epoch number</param>
/// <param name="TrainLoss">mean of the step losses of this epoch (each step weighted equally)</param>
/// <param name="Metrics">validation metrics by name, e.g. val_loss, val_accuracy (empty without validation)</param>
/// <param name="Seconds">wall time of the epoch, training and validation</param>
/// <param name="LearningRates">learning rate of each optimizer parameter group at the end of the epoch</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, IReadOnlyDictionary<string, double> Metrics, double Seconds, IReadOnlyList<double> LearningRates)
{
    /// <summary>The named value: "train_loss" or a validation metric.</summary>
    public double Get(string name) =>
        name == TrainingHistory.TrainLossName ? TrainLoss
        : Metrics.TryGetValue(name, out var v) ? v
        : throw new KeyNotFoundException(
            $"Expected a metric named \"{name}\", got only: {string.Join(", ", new[] { TrainingHistory.TrainLossName }.Concat(Metrics.Keys))}. " +
            "Check TrainerOptions.Monitor against the names your validation function returns.");
}

/// <summary>
/// The record of a training run, one <see cref="EpochRecord"/> per epoch, and which epoch was best.
/// <c>history.ToDataFrame()</c> shows it as a table, <c>history.Plot()</c> as curves (TrainingHistoryChart.cs).
/// </summary>
public sealed class TrainingHistory
{
    public const string TrainLossName = "train_loss";

    readonly List<EpochRecord> _epochs = new();

    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    /// <summary>The metric that picked the best epoch, and whether larger was better.</summary>
    public string Monitor { get; init; } = "val_loss";
    public bool Maximize { get; init; }

    /// <summary>The best epoch (1-based) by <see cref="Monitor"/>, 0 when no epoch ran.</summary>
    public int BestEpoch { get; internal set; }

    /// <summary>The monitored value at <see cref="BestEpoch"/>.</summary>
    public double BestValue { get; internal set; } = double.NaN;

    /// <summary>True when the model holds the best epoch's weights (RestoreBest), not the last epoch's.</summary>
    public bool RestoredBest { get; internal set; }

    internal void Add(EpochRecord record) => _epochs.Add(record);

    /// <summary>
    /// Takes the epoch's monitored value; true when it is the best so far (the first finite value, then strictly
    /// better: larger with <see cref="Maximize"/>, else smaller). A NaN is never better.
    /// </summary>
    internal bool Observe(int epoch, double value)
    {
        bool first = BestEpoch == 0 && !double.IsNaN(value);
        bool better = Maximize ? value > BestValue : value < BestValue;
        if (!first && !better) return false;
        BestEpoch = epoch;
        BestValue = value;
        return true;
    }

    /// <summary>Names of the validation metrics, in first-seen order.</summary>
    public IReadOnlyList<string> MetricNames => _epochs.SelectMany(e => e.Metrics.Keys).Distinct().ToList();

    /// <summary>
    /// One row per epoch: epoch, train_loss, every validation metric, seconds, and the learning rate
    /// (<c>lr</c> for one parameter group; <c>lr_0</c>, <c>lr_1</c>, … for several).
    /// </summary>
    public DataFrame ToDataFrame()
    {
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("epoch", _epochs.Select(e => e.Epoch)),
            new DoubleDataFrameColumn(TrainLossName, _epochs.Select(e => e.TrainLoss)),
        };
        foreach (var name in MetricNames)
            columns.Add(new DoubleDataFrameColumn(name, _epochs.Select(e => e.Metrics.TryGetValue(name, out var v) ? v : (double?)null)));
        columns.Add(new DoubleDataFrameColumn("seconds", _epochs.Select(e => e.Seconds)));
        int groups = _epochs.Count == 0 ? 0 : _epochs.Max(e => e.LearningRates.Count);
        for (int g = 0; g < groups; g++)
        {
            int group = g;
            columns.Add(new DoubleDataFrameColumn(groups == 1 ? "lr" : $"lr_{g}",
                _epochs.Select(e => group < e.LearningRates.Count ? e.LearningRates[group] : (double?)null)));
        }
        return new DataFrame(columns);
    }

    /// <summary>One line: epochs run, best epoch and value, whether the best weights were put back.</summary>
    public override string ToString() =>
        _epochs.Count == 0 ? "TrainingHistory (no epochs)"
        : $"{_epochs.Count} epoch(s); best {Monitor} {BestValue:G4} at epoch {BestEpoch}" +
          (RestoredBest ? "; best weights restored" : "");
}
