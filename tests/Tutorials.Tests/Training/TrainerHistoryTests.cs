using System.Globalization;
using Tutorials.Training;
using Tutorials.Data;

namespace Tutorials.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public class TrainerHistoryTests
{
    static TrainingHistory TwoGroupRun(StringWriter console)
    {
        var (x, y) = TrainerTestData.Blobs(32, seed: 1);
        using var model = TrainerTestData.Mlp();
        using var optimizer = optim.Adam(new TorchSharp.Modules.Adam.ParamGroup[]
        {
            new(model.named_parameters().Where(np => np.name.StartsWith("hidden")).Select(np => np.parameter), lr: 1e-3),
            new(model.named_parameters().Where(np => np.name.StartsWith("out")).Select(np => np.parameter), lr: 1e-2),
        });
        return TrainerTestData.FitClassifier(model, optimizer, new TensorBatches(16, x, y), new TensorBatches(16, x, y),
            TrainerTestData.Quiet(3) with { Progress = TrainingProgress.Console(console), Monitor = "val_accuracy", Maximize = true });
    }

    [Fact]
    public void ToDataFrameHasOneRowPerEpochAndAColumnPerValue()
    {
        var history = TwoGroupRun(new StringWriter());
        var df = history.ToDataFrame();
        Assert.Equal(new[] { "epoch", "train_loss", "val_loss", "val_accuracy", "seconds", "lr_0", "lr_1" }, df.Columns.Select(c => c.Name));
        Assert.Equal(3, df.Rows.Count);
        Assert.Equal(new object[] { 1, 2, 3 }, df.Columns["epoch"].Cast<object>());
        Assert.Equal(1e-3, (double)df.Columns["lr_0"][0]!);
        Assert.Equal(1e-2, (double)df.Columns["lr_1"][2]!);
        Assert.Equal(history.Epochs[1].TrainLoss, (double)df.Columns["train_loss"][1]!);
        Assert.Equal("val_accuracy", history.Monitor);
        Assert.InRange(history.BestEpoch, 1, 3);
        Assert.Equal(history.Epochs.Max(e => e.Metrics["val_accuracy"]), history.BestValue);
    }

    [Fact]
    public void ConsoleProgressWritesOneInvariantCultureLinePerEpoch()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE"); // decimal comma locale must not leak into the lines
        try
        {
            var console = new StringWriter();
            TwoGroupRun(console);
            var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.Matches(@"^epoch 1/3  train_loss \d\.\d+  val_loss \d\.\d+  val_accuracy [\d.]+  \d+\.\d s", lines[0]);
            Assert.StartsWith("epoch 3/3", lines[2]);
        }
        finally { CultureInfo.CurrentCulture = previous; }
    }

    [Fact]
    public void PlotHasACurvePerValue()
    {
        var history = TwoGroupRun(new StringWriter());
        var json = Plotly.NET.GenericChart.toFigureJson(history.Plot());
        foreach (var name in new[] { "train_loss", "val_loss", "val_accuracy" }) Assert.Contains($"\"name\":\"{name}\"", json);
    }

    [Fact]
    public void OutsideAKernelAutoFallsBackToTheConsole()
    {
        Assert.IsType<ConsoleTrainingProgress>(TrainingProgress.Auto());
    }
}
