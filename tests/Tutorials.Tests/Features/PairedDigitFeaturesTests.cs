using Tutorials.Fusion;
using Tutorials.Tests.Training;
using Tutorials.Training;
using Tutorials.Notebooks;

namespace Tutorials.Tests.Features;

// Head training seeds torch's global generator: run with the other tests that do, never in parallel with them.
[Collection(TorchGlobalRandomCollection.Name)]
public class PairedDigitFeaturesTests
{
    // 10 digits × 10 rows, ordered by digit like PairedDigits; feature values encode the row number.
    static PairedDigitFeatures Rows100()
    {
        var labels = torch.tensor(Enumerable.Range(0, 100).Select(i => (long)(i / 10)).ToArray());
        var image = torch.arange(100, dtype: ScalarType.Float32).unsqueeze(1).expand(100, 4).clone();
        var audio = -image.narrow(1, 0, 3);
        return new PairedDigitFeatures(image, audio, labels, Enumerable.Range(0, 100).Select(i => i % 3).ToArray(), "speaker");
    }

    [Fact]
    public void ValidationSplitIsStratifiedDisjointAndSeeded()
    {
        using var all = Rows100();
        var (fit, validation) = all.SplitValidation(fraction: 0.2, seed: 0);
        Assert.Equal(80, fit.Count);
        Assert.Equal(20, validation.Count);
        var v = validation.Labels.data<long>().ToArray();
        Assert.All(Enumerable.Range(0, 10), d => Assert.Equal(2, v.Count(x => x == d)));       // two per digit
        var fitRows = fit.Image[.., 0].data<float>().Select(x => (int)x).ToHashSet();
        var heldRows = validation.Image[.., 0].data<float>().Select(x => (int)x).ToList();
        Assert.DoesNotContain(heldRows, fitRows.Contains);                                      // disjoint
        Assert.Equal(100, fitRows.Count + heldRows.Count);                                      // and complete
        // Rows keep their label, audio and failure: row r has label r / 10, audio −r, failure r % 3.
        Assert.All(heldRows.Select((r, i) => (r, i)), x =>
        {
            Assert.Equal(x.r / 10, v[x.i]);
            Assert.Equal(-x.r, validation.Audio[x.i, 0].item<float>());
            Assert.Equal(x.r % 3, validation.Failures[x.i]);
        });
        var again = all.SplitValidation(fraction: 0.2, seed: 0).Validation.Image[.., 0].data<float>().ToArray();
        var other = all.SplitValidation(fraction: 0.2, seed: 1).Validation.Image[.., 0].data<float>().ToArray();
        Assert.Equal(heldRows.Select(r => (float)r), again);                                     // same seed, same rows
        Assert.NotEqual(again, other);                                                           // another seed, other rows
    }

    [Fact]
    public void ValidationSplitThatLeavesADigitEmptyIsAClearError()
    {
        using var all = Rows100();
        var e = Assert.Throws<ArgumentException>(() => all.SplitValidation(fraction: 0.01));
        Assert.Contains("Load more pairs per digit", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => all.SplitValidation(fraction: 1.0));
    }

    [Fact]
    public void ModalitiesGiveTheFeaturesAClassifierReadsAndTheirDeclarations()
    {
        using var all = Rows100();
        Assert.Same(all.Image, all.For(["image"])["image"]);
        Assert.Equal(["audio"], all.For(["audio"]).Keys);
        var both = all.For(["image", "audio"]);
        Assert.Same(all.Audio, both["audio"]);
        Assert.Equal([new FusionInput("image", all.Image.shape[1]), new FusionInput("audio", 3)], all.Declare(["image", "audio"]));
        Assert.Equal([new FusionInput("audio", 3)], all.Declare(["audio"]));
        Assert.Contains("got \"depth\"", Assert.Throws<ArgumentException>(() => all.Declare(["depth"])).Message);
        using var first = all.FirstPerDigit(3);
        Assert.Equal(new long[] { 0, 1, 2, 10, 11, 12 }, first.Image[.., 0].data<float>().Take(6).Select(x => (long)x));
    }

    [Fact]
    public void HeadTrainingIsRepeatableForASeedAndLearnsASeparableTask()
    {
        // Two well-separated classes coded in the image features; the audio features are noise.
        torch.manual_seed(5);
        var labels = torch.arange(200, dtype: ScalarType.Int64) % 2;
        var image = torch.randn(200, 6) * 0.3 + labels.to_type(ScalarType.Float32).unsqueeze(1) * 2;
        using var data = new PairedDigitFeatures(image, torch.randn(200, 4), labels, new int[200], "s");
        var (fit, validation) = data.SplitValidation(0.25, seed: 0);
        var (a, history) = HeadTraining.Train(fit, validation, ["image"], epochs: 3, seed: 1, device: torch.CPU, progress: TrainingProgress.None);
        var (b, _) = HeadTraining.Train(fit, validation, ["image"], epochs: 3, seed: 1, device: torch.CPU, progress: TrainingProgress.None);
        var (c, _) = HeadTraining.Train(fit, validation, ["image"], epochs: 3, seed: 2, device: torch.CPU, progress: TrainingProgress.None);
        Assert.Equal(3, history.Epochs.Count);
        Assert.True(history.Epochs[^1].Metrics[HeadTraining.ValidationAccuracy] > 0.95);
        Assert.True(HeadTraining.Accuracy(a, validation, torch.CPU) > 0.95);
        Assert.Equal(["image"], HeadTraining.ModalitiesOf(a));
        using var pa = HeadTraining.Probabilities(a, validation);
        using var pb = HeadTraining.Probabilities(b, validation);
        using var pc = HeadTraining.Probabilities(c, validation);
        Assert.True(torch.allclose(pa, pb, rtol: 0, atol: 0));                     // same seed: the same head, bit for bit
        Assert.False(torch.allclose(pa, pc, rtol: 0, atol: 0));                    // another seed: another draw
    }
}
