namespace Tutorials.Tests.Notebooks;

/// <summary>
/// What notebook 02 teaches, checked on its smoke run (one seed; the full run's three seeds are in the README's
/// figures): RGB-only is blind at hidden pixels, the depth branch recovers them and lifts mIoU, and the ablation
/// varies one factor at a time. Every margin here would fail were the claim false: without depth the gains are ~0,
/// and were camouflaged objects visible in RGB the RGB-only model would find them.
/// </summary>
[Collection("smoke run")]
[Trait("Category", "Notebook")]
public class Notebook02Tests(SmokeRun run)
{
    const string Notebook = "02-new-input-branch.ipynb";

    [Fact]
    public void RgbOnlyIsBlindAtHiddenPixels()
    {
        // Camouflaged objects leave RGB byte for byte unchanged, so RGB-only can only guess them from context.
        var r = run.ResultsOf(Notebook);
        Assert.True(r["rgb_hidden_accuracy"] < 0.10,
            $"RGB-only should get almost no hidden pixels right (nothing in the image shows them), got {r["rgb_hidden_accuracy"]:F3}.");
        Assert.True(r["val_rgb_hidden_accuracy"] < 0.10,
            $"RGB-only on validation hidden pixels: {r["val_rgb_hidden_accuracy"]:F3}, expected < 0.10.");
    }

    [Fact]
    public void DepthRecoversHiddenPixels()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["hidden_accuracy_gain_min"] > 0.10,
            $"on camouflaged test pixels RGB+depth should beat RGB-only by more than 0.10 on every seed; the smallest gain was {r["hidden_accuracy_gain_min"]:F3} " +
            $"(seed 0: {r["rgbd_hidden_accuracy"]:F3} vs {r["rgb_hidden_accuracy"]:F3}).");
    }

    [Fact]
    public void FusingDepthLiftsMeanIoUWithTheSameBudget()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["miou_gain_min"] > 0.03,
            $"RGB+depth test mIoU should beat RGB-only by more than 0.03 on every seed; the smallest gain was {r["miou_gain_min"]:F3} " +
            $"(seed 0: {r["rgbd_miou"]:F3} vs {r["rgb_miou"]:F3}).");
        Assert.True(r["rgbd_pixel_accuracy"] > r["rgb_pixel_accuracy"] + 0.01,
            $"RGB+depth pixel accuracy {r["rgbd_pixel_accuracy"]:F3} should beat RGB-only {r["rgb_pixel_accuracy"]:F3} by more than 0.01.");
    }

    [Fact]
    public void TheAblationVariesTheStageWithTheFrozenSetFixedAndDepthHelpsAtEveryStage()
    {
        var r = run.ResultsOf(Notebook);
        // Factor 1: at least two fusion stages with the same frozen set (up to layer1), judged on validation.
        var sameFrozen = r.Keys.Where(k => k.StartsWith("val_rgbd_miou_") && k.EndsWith("_frozen_layer1")).ToList();
        Assert.True(sameFrozen.Count >= 2,
            $"expected the ablation to vary the fusion stage with the frozen set fixed (>= 2 stages frozen up to layer1), got {string.Join(", ", sameFrozen)}.");
        // Wherever depth joins, the fused model finds hidden pixels that RGB-only cannot.
        foreach (var key in r.Keys.Where(k => k.StartsWith("val_rgbd_hidden_accuracy_")))
            Assert.True(r[key] > r["val_rgb_hidden_accuracy"] + 0.05,
                $"{key} = {r[key]:F3} should beat RGB-only's {r["val_rgb_hidden_accuracy"]:F3} on validation hidden pixels by more than 0.05.");
    }
}
