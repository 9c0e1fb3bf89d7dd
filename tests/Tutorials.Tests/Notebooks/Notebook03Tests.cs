namespace Tutorials.Tests.Notebooks;

/// <summary>
/// What notebook 03 teaches, checked on its smoke run (one seed; figures of the measured smoke run in each test):
/// contrastive fine-tuning with the article's margin loss aligns the two modalities (recall@1 well above the
/// untrained heads and chance, both directions); Hadsell's loss and InfoNCE learn on the same budget; and zero-shot
/// classification of classes no caption named works once the classes are described rather than only named
/// (with the locked text tower, the notebook's zero-shot result, and with the fine-tuned one).
/// </summary>
[Collection("smoke run")]
[Trait("Category", "Notebook")]
public class Notebook03Tests(SmokeRun run)
{
    const string Notebook = "03-contrastive-shared-space.ipynb";

    /// <summary>
    /// Smoke run measured (4 epochs, 210 pairs): image→text R@1 0.061 → 0.114, text→image 0.061 → 0.125, chance 0.045.
    /// The article's loss learns slowly at this budget: on unit vectors in 128-d most non-matching pairs start with
    /// d² ≈ 2, beyond its margin of 1, so its push only acts once pairs come closer.
    /// </summary>
    [Fact]
    public void TrainingWithTheArticlesLossAlignsImagesAndCaptions()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["i2t_r1_after"] > r["i2t_r1_before"] + 0.04, $"image→text R@1 {r["i2t_r1_before"]:F3} → {r["i2t_r1_after"]:F3}, expected a gain of > 0.04");
        Assert.True(r["t2i_r1_after"] > r["t2i_r1_before"] + 0.04, $"text→image R@1 {r["t2i_r1_before"]:F3} → {r["t2i_r1_after"]:F3}, expected a gain of > 0.04");
        Assert.True(r["i2t_r1_after"] > 2 * r["chance_r1"], $"image→text R@1 {r["i2t_r1_after"]:F3} vs chance {r["chance_r1"]:F3}");
        Assert.True(r["t2i_r1_after"] > 2 * r["chance_r1"], $"text→image R@1 {r["t2i_r1_after"]:F3} vs chance {r["chance_r1"]:F3}");
    }

    /// <summary>Smoke run measured: Hadsell 0.271 / 0.250, InfoNCE 0.382 / 0.614 (image→text / text→image R@1).</summary>
    [Fact]
    public void HadsellsLossAndInfoNceLearnOnTheSameBudget()
    {
        var r = run.ResultsOf(Notebook);
        foreach (var loss in new[] { "hadsell", "infonce" })
            foreach (var dir in new[] { "i2t", "t2i" })
                Assert.True(r[$"{loss}_{dir}_r1"] > 2 * r["chance_r1"], $"{loss} {dir} R@1 {r[$"{loss}_{dir}_r1"]:F3} vs chance {r["chance_r1"]:F3}");
    }

    /// <summary>
    /// The zero-shot claim: describing the held-out classes makes zero-shot work, with either text tower; the
    /// notebook's zero-shot result (<c>zero_shot_acc</c>) is the locked text tower with descriptions. No order between
    /// the locked and the fine-tuned tower is asserted: it did not hold in every seed (smoke seed 0 measured before
    /// this change: fine-tuned 0.317 (names) → 0.650 (descriptions); locked 0.233 → 0.608; chance 0.333). The same
    /// claim is asserted on the validation images, where the notebook judges it.
    /// </summary>
    [Fact]
    public void DescribingTheHeldOutClassesMakesZeroShotWork()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["zero_shot_acc"] >= 0.45, $"zero-shot, locked text with descriptions {r["zero_shot_acc"]:F3}, expected ≥ 0.45 (chance 0.333)");
        Assert.True(r["zero_shot_acc"] > r["zero_shot_acc_names"] + 0.15,
            $"locked text: descriptions {r["zero_shot_acc"]:F3} should beat bare names {r["zero_shot_acc_names"]:F3} by > 0.15");
        Assert.True(r["zero_shot_acc_finetuned"] > r["zero_shot_acc_finetuned_names"] + 0.15,
            $"fine-tuned text: descriptions {r["zero_shot_acc_finetuned"]:F3} should beat bare names {r["zero_shot_acc_finetuned_names"]:F3} by > 0.15");
        // The choice is judged on the validation images (held-out classes, training split) before the test is read:
        // there too, descriptions beat names with both towers (smoke seed 0 measured: locked 0.233 → 0.611,
        // fine-tuned 0.339 → 0.633 on 180 images).
        foreach (var tower in new[] { "", "_finetuned" })
            Assert.True(r[$"zero_shot_val{tower}"] > r[$"zero_shot_val{tower}_names"] + 0.15,
                $"validation{tower}: descriptions {r[$"zero_shot_val{tower}"]:F3} should beat bare names {r[$"zero_shot_val{tower}_names"]:F3} by > 0.15");
        // The locked variant still aligns the seen classes.
        Assert.True(r["locked_t2i_r1"] > 3 * r["chance_r1"], $"locked text, text→image R@1 {r["locked_t2i_r1"]:F3} vs chance {r["chance_r1"]:F3}");
    }

    /// <summary>
    /// The notebook writes recall@k and the zero-shot argmax inline and checks them against the kit before using the kit
    /// (learner run: max |difference| 0 over R@1/R@5 both ways; 0 of 120 zero-shot predictions differ). Fewer than one
    /// query of the 280 may differ, for a near-tie that chunked and whole matrix products round differently.
    /// </summary>
    [Fact]
    public void TheInlineRecallAndZeroShotEqualTheKits()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["inline_recall_max_abs_diff"] < 1.0 / 280, $"inline recall@k vs Retrieval: max |difference| {r["inline_recall_max_abs_diff"]}");
        Assert.Equal(0, r["inline_zero_shot_differences"]);
    }

    /// <summary>
    /// The prose on what unfreezing costs reads layer4's share of the ResNet's multiply-adds from the run. At 64 px it is
    /// about a third (31.4 %: stem 9.6 M, layer1 37.7 M, layer2 and layer3 33.6 M each, layer4 52.4 M) — the earlier
    /// sentence "most of the arithmetic is already in layer4" was false.
    /// </summary>
    [Fact]
    public void Layer4DoesAboutAThirdOfTheResNetsArithmeticAt64Pixels()
    {
        var r = run.ResultsOf(Notebook);
        Assert.InRange(r["layer4_multiply_add_share"], 0.30, 0.33);
    }

    /// <summary>
    /// The heatmap's diagonal blocks: after training with the article's loss an image is closer to the captions of its
    /// own class than to the others' (learner run: 0.446 vs 0.398; before training 0.107 vs 0.104).
    /// </summary>
    [Fact]
    public void AfterTrainingImagesAreCloserToTheirOwnClassesCaptions()
    {
        var r = run.ResultsOf(Notebook);
        double after = r["heatmap_same_class_cos_after"] - r["heatmap_other_class_cos_after"];
        double before = r["heatmap_same_class_cos_before"] - r["heatmap_other_class_cos_before"];
        Assert.True(after > 0.02, $"after training: own class {r["heatmap_same_class_cos_after"]:F3}, other classes {r["heatmap_other_class_cos_after"]:F3}");
        Assert.True(after > before, $"own − other classes after training {after:F3} should exceed before training {before:F3}");
    }
}
