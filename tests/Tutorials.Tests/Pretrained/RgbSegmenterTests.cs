using Tutorials.Data;
using Tutorials.Fusion;
using Tutorials.Pretrained;
using Tutorials.Segmentation;
using Tutorials.Tests.Training;

namespace Tutorials.Tests.Pretrained;

/// <summary>
/// Model A of notebook 02 (data/pretrained/rgb-segmenter.dat): the committed weights load in one line (hash checked),
/// give the metrics recorded in data/pretrained/rgb-segmenter.md on the pretraining run's held-out scenes, and the
/// pretraining command, rerun, reproduces them. RGB cannot show camouflaged objects, so A's hidden-object accuracy is
/// near zero whatever its training, while it segments the visible objects.
/// </summary>
[Collection(TorchGlobalRandomCollection.Name)]
[Trait("Category", "Slow")]
public class RgbSegmenterTests
{
    // Printed by `dotnet run -c Release --project tools/PretrainSegmenter` (data/pretrained/rgb-segmenter.md).
    const double RecordedMiou = 0.3971, RecordedVisible = 0.6206, RecordedHidden = 0.0238;
    // Another CPU or libtorch build may differ in the last bits of the training; the metrics then move a little.
    const double Tolerance = 0.005;

    static SegmentationMetrics HeldOut(ResNetSegmenter model)
    {
        var o = new RgbSegmenterPretraining.Options();
        using var scenes = SyntheticRgbd.Train(o.TrainScenes + o.ValidationScenes, seed: o.DataSeed);
        var held = scenes.Slice(o.TrainScenes, o.ValidationScenes);
        using var images = ImageNetResNet.LoadPreprocess().Apply(held.Rgb);
        return RgbSegmenterPretraining.Evaluate(model, images, held, torch.CPU);
    }

    static void AssertRecorded(SegmentationMetrics m, double tolerance)
    {
        string got = RgbSegmenterPretraining.Describe(m);
        Assert.True(Math.Abs(m.MeanIoU - RecordedMiou) <= tolerance, $"mIoU {m.MeanIoU:F4}, recorded {RecordedMiou:F4}: {got}");
        Assert.True(Math.Abs(m.VisibleAccuracy - RecordedVisible) <= tolerance, $"visible {m.VisibleAccuracy:F4}, recorded {RecordedVisible:F4}: {got}");
        Assert.True(Math.Abs(m.HiddenAccuracy - RecordedHidden) <= tolerance, $"hidden {m.HiddenAccuracy:F4}, recorded {RecordedHidden:F4}: {got}");
    }

    [Fact]
    public void TheCommittedWeightsLoadAndGiveTheRecordedMetrics()
    {
        var a = RgbSegmenterLoader.Load();   // checks the SHA-256 of the committed file
        var m = HeldOut(a);
        AssertRecorded(m, 1e-4);             // same weights, same scenes: only float rounding may differ
        Assert.True(m.VisibleAccuracy > 0.5, $"A should segment most visible object pixels: {RgbSegmenterPretraining.Describe(m)}");
        Assert.True(m.HiddenAccuracy < 0.1, $"A cannot see camouflaged objects: {RgbSegmenterPretraining.Describe(m)}");
    }

    [Fact]
    public void GraftingADepthBranchOntoTheTrainedAChangesNothingAtStepZero()
    {
        var a = RgbSegmenterLoader.Load();
        using var scenes = SyntheticRgbd.Train(8, seed: 1);
        using var images = ImageNetResNet.LoadPreprocess().Apply(scenes.Rgb);
        torch.manual_seed(0);
        var grafted = new RgbdSegmenter(a, "layer1");
        Assert.Equal(0.0, Grafting.MaxAbsDifference(a, grafted, images, scenes.Depth, torch.CPU));
    }

    [Fact]
    public void TheLoaderRefusesAFileThatIsNotTheCommittedOne()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rgb-segmenter-{Guid.NewGuid():N}.dat");
        File.WriteAllText(path, "version https://git-lfs.github.com/spec/v1");
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => RgbSegmenterLoader.Load(path: path));
            Assert.Contains(RgbSegmenterLoader.Sha256, e.Message);
            Assert.Contains("git checkout -- data/pretrained/rgb-segmenter.dat", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ThePretrainingCommandReproducesTheRecordedMetrics()
    {
        // The command's defaults (tools/PretrainSegmenter); a few minutes on 2 cores.
        var result = RgbSegmenterPretraining.Run(new RgbSegmenterPretraining.Options(), device: torch.CPU);
        AssertRecorded(result.Validation, Tolerance);
    }

    [Fact]
    public void PretrainingOnNotebook02sScenesIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new RgbSegmenterPretraining.Options { DataSeed = 2 }.Validate());
        Assert.Contains("notebook 02", e.Message);
    }
}
