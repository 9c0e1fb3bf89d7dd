using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Fusion;

/// <summary>
/// The paired-digit classifier of notebooks 01 and 04: a <see cref="FusionClassifier"/>'s two parts (a
/// <see cref="ConcatFusion"/>, then a <see cref="ClassifierHead"/>) for the two inputs image and audio, called as
/// <c>head.call(image, audio)</c>. A single-modality head declares the other size as 0 and is given an (N, 0)
/// tensor there (what <c>PairedDigitFeatures.For</c> returns): that input is simply left out, so the fusion
/// and the head see only the one real input, exactly as <c>new FusionClassifier([new("image", 256)], …)</c> would.
/// </summary>
public sealed class ConcatFusionHead : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ConcatFusion fusion;
    readonly ClassifierHead head;

    public long ImageFeatures { get; }
    public long AudioFeatures { get; }

    /// <summary>The fusion's modality dropout (see <see cref="ConcatFusion.ModalityDropout"/>).</summary>
    public double ModalityDropout => fusion.ModalityDropout;

    public ConcatFusionHead(long imageFeatures, long audioFeatures, long classes, long hiddenSize = 256, double dropoutRate = 0.3,
        double modalityDropout = 0)
        : base(nameof(ConcatFusionHead))
    {
        if (imageFeatures < 0 || audioFeatures < 0 || imageFeatures + audioFeatures == 0)
            throw new ArgumentException($"Expected feature sizes ≥ 0 with at least one > 0, got {imageFeatures} and {audioFeatures}.");
        ImageFeatures = imageFeatures;
        AudioFeatures = audioFeatures;
        var inputs = new List<FusionInput>();
        if (imageFeatures > 0) inputs.Add(new("image", imageFeatures));
        if (audioFeatures > 0) inputs.Add(new("audio", audioFeatures));
        fusion = new ConcatFusion(inputs, modalityDropout);
        head = new ClassifierHead(fusion.OutputSize, classes, hiddenSize, dropoutRate);
        RegisterComponents();
    }

    public override Tensor forward(Tensor image, Tensor audio)
    {
        var present = new List<Tensor>();
        if (ImageFeatures > 0) present.Add(image); else RequireEmpty("image", image);
        if (AudioFeatures > 0) present.Add(audio); else RequireEmpty("audio", audio);
        return head.call(fusion.call(present));
    }

    static void RequireEmpty(string which, Tensor t)
    {
        if (t.dim() != 2 || t.shape[1] != 0)
            throw new ArgumentException(
                $"The {which} features have shape [{string.Join(", ", t.shape)}], but this head was declared with 0 {which} features " +
                "(expected shape [N, 0]): it does not read that input.");
    }
}
