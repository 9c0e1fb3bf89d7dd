using Tutorials.Combining;
using Tutorials.Display;
using Tutorials.Environment;
using Tutorials.Notebooks;

namespace Tutorials.Tests.Combining;

public class AccuracyCostTableTests
{
    [Fact]
    public void RowsCountEveryModelAPredictionNeedsAndStateTheirAccuracy()
    {
        using var a = nn.Linear(4, 3);      // 15 parameters
        using var b = nn.Linear(4, 3, hasBias: false);   // 12
        using var x = torch.randn(5, 4);
        var table = new AccuracyCostTable(batchRows: 5)
            .Add("a", "single model", 0.5, "cost_table_test_a", () => a.call(x), a)
            .Add("a and b", "output level", 0.75, null, () => a.call(x) + b.call(x), a, b);

        Assert.Equal(new long[] { 15, 27 }, table.Rows.Select(r => r.Parameters));
        Assert.Equal(0.5, Results.Reported["cost_table_test_a"]);
        var frame = table.ToDataFrame(repeats: 1);
        Assert.Equal(new[] { "model", "combines at", "test accuracy", "parameters", "ms per batch of 5" }, frame.Columns.Select(c => c.Name));
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal("a and b", frame.Columns["model"][1]);
        Assert.True((double)frame.Columns["ms per batch of 5"][1]! >= 0);
    }

    [Fact]
    public void ARowWithoutModelsIsRefusedWithItsName()
    {
        var e = Assert.Throws<ArgumentException>(() => new AccuracyCostTable(10).Add("lonely", "single model", 0.1, null, () => torch.zeros(1)));
        Assert.Contains("\"lonely\"", e.Message);
    }

    [Fact]
    public void InterpolationChartRefusesACurveWithTheWrongNumberOfPoints()
    {
        var e = Assert.Throws<ArgumentException>(() => InterpolationChart.Of([0, 0.5, 1], "t", "accuracy", ("short", [0.1, 0.2])));
        Assert.Contains("one accuracy per α (3) for \"short\", got 2", e.Message);
    }
}
