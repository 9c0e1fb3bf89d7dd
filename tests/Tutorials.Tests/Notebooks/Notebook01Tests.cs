namespace Tutorials.Tests.Notebooks;

[Collection("smoke run")]
[Trait("Category", "Notebook")]
public class Notebook01Tests(SmokeRun run)
{
    const string Notebook = "01-feature-concatenation.ipynb";

    /// <summary>
    /// What notebook 01 teaches: concatenating the two frozen feature vectors beats the better sensor alone on the
    /// unseen speaker's test pairs — on every seed, not on one lucky draw. Smoke runs give about +0.20 on both seeds;
    /// a 0.10 margin leaves room for another CPU and fails if fusion only matched the better single model.
    /// </summary>
    [Fact]
    public void FusionBeatsTheBetterSingleModalityOnEverySeed()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["fused_minus_best_single_seeds"] >= 2, $"the claim needs at least two seeds, got {r["fused_minus_best_single_seeds"]}");
        Assert.True(r["fused_minus_best_single_min"] > 0.10,
            $"fused − better single modality should exceed 0.10 on every seed; worst seed {r["fused_minus_best_single_min"]:0.000} " +
            $"(mean {r["fused_minus_best_single_mean"]:0.000} ± {r["fused_minus_best_single_sd"]:0.000})");
        double image = r["image_only_accuracy"], audio = r["audio_only_accuracy"], fused = r["fused_accuracy"];
        Assert.True(fused > Math.Max(image, audio) + 0.10,
            $"seed 0: fused {fused:0.000} should beat the better single modality (image {image:0.000}, audio {audio:0.000}) by 0.10");
    }

    /// <summary>Neither sensor alone is enough, but each carries real information: both are far above chance (0.1).</summary>
    [Fact]
    public void EachModalityAloneIsWellAboveChanceButFarFromPerfect()
    {
        var r = run.ResultsOf(Notebook);
        foreach (var key in new[] { "image_only_accuracy", "audio_only_accuracy" })
        {
            Assert.True(r[key] > 0.3, $"{key} {r[key]:0.000} should be well above chance (0.1)");
            Assert.True(r[key] < 0.75, $"{key} {r[key]:0.000}: a sensor alone should miss many rows (blocked camera / failed microphone)");
        }
    }

    /// <summary>Training watches the validation split (training speaker); the test pairs are not monitored.</summary>
    [Fact]
    public void TrainingMonitorsValidationNotTest()
    {
        var (_, _, outDir) = run.Run(Notebook);
        var executed = File.ReadAllText(Path.Combine(outDir, Notebook));
        Assert.Contains("val_accuracy", executed);
        Assert.DoesNotContain("test_accuracy", executed);
    }

    /// <summary>
    /// The training step written out in the notebook (zero_grad, forward on a batch keyed by modality, cross-entropy,
    /// backward, Adam's step) is the step the kit's trainer takes: same loss, same weights afterwards. A fresh head's
    /// loss is near ln 10 ≈ 2.30 (it spreads its bets); a step that skipped zero_grad or used other masks would differ.
    /// </summary>
    [Fact]
    public void TheStepWrittenOutIsTheKitTrainersStep()
    {
        var r = run.ResultsOf(Notebook);
        Assert.InRange(r["inline_step_loss_abs_diff"], 0, 1e-6);
        Assert.InRange(r["inline_step_weight_max_abs_diff"], 0, 1e-6);
        Assert.InRange(r["inline_step_loss"], 1.8, 3.0);
    }

    /// <summary>
    /// "Which image stage?": the image-only head on layer3's 256 features beats the same head on the final layer's 512 on
    /// validation (learner run 0.567 vs 0.492, i.e. 9 of 120 rows); a 0.03 margin fails if the stages swap or tie.
    /// </summary>
    [Fact]
    public void Layer3TransfersBetterThanTheFinalLayerOnTheseDigits()
    {
        var r = run.ResultsOf(Notebook);
        Assert.True(r["image_layer3_val_accuracy"] > r["image_layer4_val_accuracy"] + 0.03,
            $"layer3 {r["image_layer3_val_accuracy"]:0.000} vs layer4 {r["image_layer4_val_accuracy"]:0.000} (validation, image only)");
    }

    /// <summary>Meet the data: a spoken digit plays inline (a WAV data URI), and the article is set beside the kit.</summary>
    [Fact]
    public void ASpokenDigitPlaysInlineAndTheArticleIsThere()
    {
        var (_, _, outDir) = run.Run(Notebook);
        var executed = File.ReadAllText(Path.Combine(outDir, Notebook));
        Assert.Contains("data:audio/wav;base64,UklGR", executed);   // "RIFF" in base64: a WAV file in the page
        Assert.Contains("article", executed);
        Assert.Contains("ReLU → Dropout → Linear", executed);
    }
}
