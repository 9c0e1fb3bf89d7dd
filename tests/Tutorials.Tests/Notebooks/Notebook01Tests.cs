namespace Tutorials.Tests.Notebooks;

[Collection("smoke run")]
[Trait("Category", "Notebook")]
public class Notebook01Tests(SmokeRun run)
{
    [Fact]
    public void FusionBeatsEitherModalityAlone()
    {
        var r = run.ResultsOf("01-feature-concatenation.ipynb");
        double image = r["image_only_accuracy"], audio = r["audio_only_accuracy"], fused = r["fused_accuracy"];
        Assert.True(fused > Math.Max(image, audio) + 0.05,
            $"fused {fused:0.000} should beat the better single modality (image {image:0.000}, audio {audio:0.000}) by 5 points");
        Assert.True(image > 0.2 && audio > 0.2, $"each modality alone should be well above chance (0.1): image {image:0.000}, audio {audio:0.000}");
        Assert.True(r["feature_extraction_seconds"] > 0);
        Assert.True(r["head_training_seconds"] > 0);
    }
}
