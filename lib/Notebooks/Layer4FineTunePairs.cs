using TorchSharp;
using Tutorials.Backbones;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Data;

namespace Tutorials.Notebooks;

/// <summary>
/// The four fine-tunes of notebook 04's weight-averaging experiment for one seed: a pair that shares its start
/// (the pretrained <c>layer4</c> and one new classifier, trained with two data orders), and the failure case, a pair
/// that gets exactly the same training but starts from two different random initialisations. Interpolating within
/// each pair is what the notebook compares.
/// </summary>
public sealed class Layer4FineTunePairs : IDisposable
{
    public Layer4Classifier Shared1 { get; }
    public Layer4Classifier Shared2 { get; }
    public Layer4Classifier Random1 { get; }
    public Layer4Classifier Random2 { get; }

    Layer4FineTunePairs(Layer4Classifier shared1, Layer4Classifier shared2, Layer4Classifier random1, Layer4Classifier random2) =>
        (Shared1, Shared2, Random1, Random2) = (shared1, shared2, random1, random2);

    /// <summary>
    /// Builds and fine-tunes both pairs on (<paramref name="maps"/>, <paramref name="labels"/>) with
    /// <see cref="Layer4FineTuning.Run"/>. Seed s fixes everything: the shared start's classifier is drawn with seed
    /// 10 + 100·s (the same for both copies), its data orders are 1 + 100·s and 2 + 100·s; the random starts are drawn
    /// with 21 + 100·s and 22 + 100·s and both trained with data order 1 + 100·s, so that they differ only in their start.
    /// <paramref name="showProgress"/> false keeps the extra seeds of a notebook quiet.
    /// </summary>
    public static Layer4FineTunePairs Train(ResNetBackbone pretrained, Tensor maps, Tensor labels, int epochs, long seed,
        TensorBatches batchNormBatches, int classes = 10, Device? device = null, bool showProgress = true)
    {
        Console.WriteLine($"— seed {seed}: two fine-tunes from the pretrained start, two from random starts");
        long s = 100 * seed;
        // All four starts are drawn before any training, so each draw depends only on its own seed.
        Kit.Seed(10 + s); var start1 = Layer4Classifier.FromPretrained(pretrained, classes);
        Kit.Seed(10 + s); var start2 = Layer4Classifier.FromPretrained(pretrained, classes);
        Layer4Classifier RandomStart() =>   // the pretrained stage's shape, randomly initialised
            new(classes, pretrained.StageChannels[2], pretrained.StageChannels[3], pretrained.BlocksPerStage[3]);
        Kit.Seed(21 + s); var random1 = RandomStart();
        Kit.Seed(22 + s); var random2 = RandomStart();
        Layer4Classifier FineTune(Layer4Classifier start, long dataOrderSeed) =>
            Layer4FineTuning.Run(start, maps, labels, epochs, dataOrderSeed, batchNormBatches, device,
                showProgress ? TrainingProgress.Auto() : TrainingProgress.None);   // one progress table per fine-tune
        return new Layer4FineTunePairs(FineTune(start1, 1 + s), FineTune(start2, 2 + s), FineTune(random1, 1 + s), FineTune(random2, 1 + s));
    }

    public void Dispose()
    {
        Shared1.Dispose(); Shared2.Dispose(); Random1.Dispose(); Random2.Dispose();
    }
}
