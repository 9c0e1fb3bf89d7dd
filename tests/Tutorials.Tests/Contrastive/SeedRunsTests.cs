using Tutorials.Contrastive;
using Tutorials.Notebooks;

namespace Tutorials.Tests.Contrastive;

/// <summary>Figures over seeds: means, the seed-by-seed comparison and its verdict, the tables built from them.</summary>
public class SeedRunsTests
{
    static SeedRuns Runs(string name, params double[] values)
    {
        var r = new SeedRuns(name);
        foreach (var v in values) r.Add(new Dictionary<string, double> { ["m"] = v });
        return r;
    }

    [Fact]
    public void CompareSaysWhetherTheOrderHeldInEverySeed()
    {
        var a = Runs("a", 0.6, 0.7, 0.5);
        Assert.Equal("a ahead in every seed", SeedRuns.Compare(a, Runs("b", 0.5, 0.6, 0.4), "m").Verdict);
        Assert.Equal("b ahead in every seed", SeedRuns.Compare(a, Runs("b", 0.7, 0.8, 0.6), "m").Verdict);
        var mixed = SeedRuns.Compare(a, Runs("b", 0.5, 0.8, 0.4), "m");
        Assert.Equal("the order changes with the seed", mixed.Verdict);
        Assert.Equal((0.1 - 0.1 + 0.1) / 3, mixed.Mean, 12);
        Assert.Equal(new[] { 0.1, -0.1, 0.1 }, mixed.PerSeed.Select(g => Math.Round(g, 12)));
        Assert.Contains("one seed", SeedRuns.Compare(Runs("a", 0.6), Runs("b", 0.5), "m").Verdict);
    }

    [Fact]
    public void CompareOfTwoMetricsOfOneVariantUsesTheGivenLabels()
    {
        var r = new SeedRuns("locked");
        r.Add(new Dictionary<string, double> { ["x"] = 0.6, ["y"] = 0.3 });
        r.Add(new Dictionary<string, double> { ["x"] = 0.5, ["y"] = 0.4 });
        var gap = SeedRuns.Compare(r, "x", "descriptions", r, "y", "names");
        Assert.Equal("descriptions ahead in every seed", gap.Verdict);
        Assert.Equal(0.2, gap.Mean, 12);
    }

    [Fact]
    public void AddWithPredictionsRecordsTheZeroShotAccuracyOfEachPromptKind()
    {
        var r = new SeedRuns("v").Add(new Dictionary<string, double> { ["i2t_r1"] = 0.5 },
            new Dictionary<string, long[]> { ["names"] = [0, 0, 0, 0], ["described"] = [0, 1, 2, 2] }, new long[] { 0, 1, 2, 1 });
        Assert.Equal(0.25, r[0, "zero_shot_names"], 12);
        Assert.Equal(0.75, r[0, "zero_shot_described"], 12);
        Assert.Equal(0.5, r[0, "i2t_r1"]);
        var ex = Assert.Throws<KeyNotFoundException>(() => r[0, "t2i_r1"]);
        Assert.Contains("i2t_r1", ex.Message);
    }

    [Fact]
    public void ValidationPredictionsAreScoredApartAndTheTestOnesAreKept()
    {
        var test = new Dictionary<string, long[]> { ["described"] = [0, 1, 2, 2] };
        var r = new SeedRuns("v").Add(new Dictionary<string, double>(), test, new long[] { 0, 1, 2, 1 },
            new Dictionary<string, long[]> { ["described"] = [1, 1, 0] }, new long[] { 0, 1, 0 });
        Assert.Equal(0.75, r[0, "zero_shot_described"], 12);
        Assert.Equal(2 / 3.0, r[0, "zero_shot_described_val"], 12);
        Assert.Same(test["described"], r.Predictions[0]["described"]);   // confusion tables show the test images
        var ex = Assert.Throws<ArgumentException>(() => new SeedRuns("w").Add(new Dictionary<string, double>(), test, new long[] { 0, 1, 2, 1 },
            new Dictionary<string, long[]> { ["described"] = [1] }, null));
        Assert.Contains("validation", ex.Message);
    }

    [Fact]
    public void TableGivesMeanAndSdPerVariant()
    {
        var t = SeedRuns.Table(new[] { Runs("a", 0.5, 0.7), Runs("b", 0.4) }, "m");
        Assert.Equal(2, t.Rows.Count);
        Assert.Equal("0.600 ± 0.141", t["m"][0]);
        Assert.Equal("0.400", t["m"][1]);
        Assert.Equal(2, t["seeds"][0]);
    }

    [Fact]
    public void BreakdownGivesEachSeedsAccuracyPerClass()
    {
        var truth = new long[] { 0, 0, 1, 1, 2, 2 };
        var v = new SeedRuns("v");
        v.Add(new Dictionary<string, double> { ["i2t_r1"] = 0.3, ["t2i_r1"] = 0.4 }, new Dictionary<string, long[]> { ["described"] = [0, 0, 1, 0, 0, 0] }, truth);
        v.Add(new Dictionary<string, double> { ["i2t_r1"] = 0.5, ["t2i_r1"] = 0.6 }, new Dictionary<string, long[]> { ["described"] = [0, 1, 1, 1, 2, 0] }, truth);
        var t = ZeroShotBreakdown.Table(new[] { v }, "described", truth, new[] { "sandal", "shirt", "bag" });
        Assert.Equal(2, t.Rows.Count);
        Assert.Equal(0.5, t["zero-shot (described)"][0]);
        Assert.Equal(1.0, t["sandal right"][0]);
        Assert.Equal(0.5, t["shirt right"][0]);
        Assert.Equal(0.0, t["bag right"][0]);
        Assert.Equal(0.5, t["bag right"][1]);
        Assert.Equal(0.6, t["seen t2i_r1"][1]);
        var ex = Assert.Throws<ArgumentException>(() => ZeroShotBreakdown.Table(new[] { v }, "names", truth, new[] { "sandal", "shirt", "bag" }));
        Assert.Contains("described", ex.Message);
    }
}
