using Microsoft.Data.Analysis;
using TorchSharp;
using static TorchSharp.torch;
using Tutorials.Environment;
using Tutorials.Evaluation;

// Scaffolding for notebook 04 (04-outputs-and-weights): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// The comparison that decides between combining strategies: per model or combination, its test accuracy, the
/// parameters a prediction needs and the median time of one forward pass (<see cref="InferenceCost"/>). An ensemble
/// wins accuracy and pays every member's inference; a student or an averaged model pays once, at training time.
/// </summary>
public sealed class AccuracyCostTable
{
    /// <summary>One row: <see cref="Forward"/> is one prediction on the timing batch, <see cref="Result"/> the key result
    /// name its accuracy is reported under (null: not reported).</summary>
    public sealed record Row(string Model, string CombinesAt, double Accuracy, long Parameters, Func<Tensor> Forward, string? Result);

    readonly List<Row> rows = new();

    /// <summary>A table whose timing column says how many rows each forward pass predicts.</summary>
    public AccuracyCostTable(long batchRows)
    {
        if (batchRows < 1) throw new ArgumentOutOfRangeException(nameof(batchRows), $"Expected a timing batch of at least 1 row, got {batchRows}.");
        BatchRows = batchRows;
    }

    public long BatchRows { get; }
    public IReadOnlyList<Row> Rows => rows;

    /// <summary>
    /// Adds a row. With <paramref name="result"/> (null: none) the accuracy is also stated now as a key result under that
    /// name (<see cref="Results.Report"/>). <paramref name="forward"/> is one prediction on the timing batch;
    /// <paramref name="models"/> are every model that prediction needs (their parameters are counted).
    /// </summary>
    public AccuracyCostTable Add(string model, string combinesAt, double accuracy, string? result, Func<Tensor> forward, params nn.Module[] models)
    {
        if (models.Length == 0)
            throw new ArgumentException($"Expected the models that row \"{model}\" needs for a prediction, got none.", nameof(models));
        if (result is not null) Results.Report(result, accuracy);
        rows.Add(new Row(model, combinesAt, accuracy, InferenceCost.Parameters(models), forward, result));
        return this;
    }

    /// <summary>The table, accuracies rounded to 3 digits; every row's forward pass is timed now (median of <paramref name="repeats"/>).</summary>
    public DataFrame ToDataFrame(int repeats = 3) => new(
        new StringDataFrameColumn("model", rows.Select(r => r.Model)),
        new StringDataFrameColumn("combines at", rows.Select(r => r.CombinesAt)),
        new DoubleDataFrameColumn("test accuracy", rows.Select(r => Math.Round(r.Accuracy, 3))),
        new Int64DataFrameColumn("parameters", rows.Select(r => r.Parameters)),
        new DoubleDataFrameColumn($"ms per batch of {BatchRows}", rows.Select(r => Math.Round(InferenceCost.MillisecondsPerBatch(r.Forward, repeats), 2))));
}
