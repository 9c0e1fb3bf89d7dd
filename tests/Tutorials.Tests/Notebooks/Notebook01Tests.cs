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
}
