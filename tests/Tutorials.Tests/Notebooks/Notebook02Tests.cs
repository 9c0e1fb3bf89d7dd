namespace Tutorials.Tests.Notebooks;

/// <summary>What notebook 02 teaches, checked on its smoke run: the depth branch helps, above all where RGB is blind.</summary>
[Collection("smoke run")]
[Trait("Category", "Notebook")]
public class Notebook02Tests(SmokeRun run)
{
    const string Notebook = "02-new-input-branch.ipynb";

    [Fact]
    public void FusingDepthBeatsRgbOnlyWithTheSameBudget()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["rgbd_miou"] > r["rgb_miou"] + 0.02,
            $"RGB+depth mIoU {r["rgbd_miou"]:F3} should beat RGB-only {r["rgb_miou"]:F3} by a clear margin.");
        Assert.True(r["rgbd_pixel_accuracy"] > r["rgb_pixel_accuracy"],
            $"RGB+depth pixel accuracy {r["rgbd_pixel_accuracy"]:F3} should beat RGB-only {r["rgb_pixel_accuracy"]:F3}.");
    }

    [Fact]
    public void DepthRecoversPixelsThatAreInvisibleInRgb()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["rgbd_hidden_accuracy"] > r["rgb_hidden_accuracy"] + 0.05,
            $"on camouflaged pixels RGB+depth ({r["rgbd_hidden_accuracy"]:F3}) should beat RGB-only ({r["rgb_hidden_accuracy"]:F3}).");
    }

    [Fact]
    public void TheAblationCoversAtLeastTwoStagesAndTheMetricsAreValid()
    {
        var r = run.ResultsOf(Notebook);
        var stages = r.Keys.Where(k => k.StartsWith("rgbd_miou_")).ToList();
        Assert.True(stages.Count >= 2, $"expected the fusion-stage ablation to report at least two stages, got {string.Join(", ", stages)}.");
        Assert.Equal(r["rgbd_miou"], r["rgbd_miou_layer1"]);
        foreach (var (name, value) in r) Assert.InRange(value, 0, 1);
    }
}
