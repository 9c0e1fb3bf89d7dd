using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Fusion;

/// <summary>
/// A classifier on fused features, shaped like TorchMultimodal's <c>LateFusion</c> module (encoders, then a fusion
/// over any number of inputs keyed by modality, then a head): a <see cref="ConcatFusion"/>, then a <see cref="ClassifierHead"/>.
/// The encoders that made the features stay outside: here they are frozen and their features cached (notebook 01).
/// (Notebook 04's "output level" combinations — ensembles, stacking — instead combine whole classifiers' outputs.)
/// <code>
/// var fused = new FusionClassifier([new("image", 256), new("audio", 128)], classes: 10);
/// var imageOnly = new FusionClassifier([new("image", 256)], classes: 10);   // one input: an ordinary classifier
/// var scores = fused.call(new Dictionary&lt;string, Tensor&gt; { ["image"] = image, ["audio"] = audio });   // (N, 10)
/// </code>
/// </summary>
public sealed class FusionClassifier : nn.Module<IReadOnlyDictionary<string, Tensor>, Tensor>
{
    readonly ConcatFusion fusion;
    readonly ClassifierHead head;

    public FusionClassifier(IReadOnlyList<FusionInput> inputs, long classes, long hiddenSize = 256, double dropoutRate = 0.3,
        double modalityDropout = 0) : base(nameof(FusionClassifier))
    {
        fusion = new ConcatFusion(inputs, modalityDropout);
        head = new ClassifierHead(fusion.OutputSize, classes, hiddenSize, dropoutRate);
        RegisterComponents();
    }

    public ConcatFusion Fusion => fusion;
    public ClassifierHead Head => head;

    /// <summary>One (N, size) tensor per declared input, keyed by its name → class scores (N, classes).</summary>
    public override Tensor forward(IReadOnlyDictionary<string, Tensor> features) => head.call(fusion.call(features));
}
