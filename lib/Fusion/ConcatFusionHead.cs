using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Fusion;

/// <summary>
/// Feature-level fusion by concatenation (notebook 01): two feature vectors from two frozen networks are joined
/// end to end, and a small new classifier (Linear → ReLU → Dropout → Linear) learns the classes from the joined
/// vector. Only this head has trainable parameters.
/// <para>
/// The declared sizes are checked on every call: a wrong extractor (say, a ResNet stage with 256 features where
/// 512 were declared) fails with both sizes named, instead of a cryptic matrix-shape error deep inside Linear.
/// </para>
/// </summary>
public sealed class ConcatFusionHead : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear hidden;
    readonly Dropout dropout;
    readonly Linear output;

    public long ImageFeatures { get; }
    public long AudioFeatures { get; }

    /// <summary>
    /// Modality dropout: during training, the probability that a row loses one of its two inputs (set to zero),
    /// so the head cannot lean on whichever sensor is easiest on the training data. 0 turns it off.
    /// </summary>
    public double ModalityDropout { get; }

    public ConcatFusionHead(long imageFeatures, long audioFeatures, long classes, long hiddenSize = 256, double dropoutRate = 0.3,
        double modalityDropout = 0)
        : base(nameof(ConcatFusionHead))
    {
        if (modalityDropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(modalityDropout), $"Expected a probability in [0, 1), got {modalityDropout}.");
        ModalityDropout = modalityDropout;
        if (imageFeatures < 0 || audioFeatures < 0 || imageFeatures + audioFeatures == 0)
            throw new ArgumentException($"Expected feature sizes ≥ 0 with at least one > 0, got {imageFeatures} and {audioFeatures}.");
        ImageFeatures = imageFeatures;
        AudioFeatures = audioFeatures;
        hidden = nn.Linear(imageFeatures + audioFeatures, hiddenSize);
        dropout = nn.Dropout(dropoutRate);
        output = nn.Linear(hiddenSize, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor image, Tensor audio)
    {
        Check("image", image, ImageFeatures);
        Check("audio", audio, AudioFeatures);
        if (training && ModalityDropout > 0 && ImageFeatures > 0 && AudioFeatures > 0)
            (image, audio) = DropOneModality(image, audio);
        var joined = torch.cat([image, audio], dim: 1);          // (N, image + audio): the fusion itself
        return output.call(dropout.call(nn.functional.relu(hidden.call(joined))));
    }

    // Each row: with probability ModalityDropout one input (image or audio, 50/50) is replaced by zeros.
    (Tensor, Tensor) DropOneModality(Tensor image, Tensor audio)
    {
        long n = image.shape[0];
        var drop = torch.rand(n, 1, device: image.device) < ModalityDropout;
        var dropImage = drop & (torch.rand(n, 1, device: image.device) < 0.5);
        var dropAudio = drop & dropImage.logical_not();
        return (image * dropImage.logical_not().to_type(image.dtype), audio * dropAudio.logical_not().to_type(audio.dtype));
    }

    static void Check(string which, Tensor t, long declared)
    {
        if (t.dim() != 2 || t.shape[1] != declared)
            throw new ArgumentException(
                $"The {which} features have shape [{string.Join(", ", t.shape)}], but this head was declared with {declared} {which} features " +
                $"(expected shape [N, {declared}]). Declare the head with the extractor's real feature size, e.g. features.shape[1].");
    }
}
