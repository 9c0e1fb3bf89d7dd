using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using static TorchSharp.torch;

namespace Tutorials.Segmentation;

/// <summary>
/// Model A: semantic segmentation on a (pretrained) <see cref="ResNetBackbone"/>: images (N, 3, H, W), already
/// preprocessed, → class scores per pixel (N, classes, H, W). H and W must be multiples of 32.
/// <para>
/// Its pipeline is split at the stages so a second branch can be fused in the middle:
/// <see cref="FeatureMapsUpTo"/> runs the stem and the stages up to the fusion stage and returns every map so far;
/// you may replace the last one (the bridge does); <see cref="ClassScoresFrom"/> runs the remaining stages and the
/// decoder. <c>forward(x)</c> is simply <c>ClassScoresFrom("layer4", FeatureMapsUpTo(x, "layer4"))</c>.
/// </para>
/// </summary>
public sealed class ResNetSegmenter : nn.Module<Tensor, Tensor>
{
    readonly ResNetBackbone backbone;
    readonly SegmentationDecoder decoder;

    public ResNetSegmenter(ResNetBackbone backbone, int numClasses, int decoderWidth = 64, string name = "ResNetSegmenter") : base(name)
    {
        this.backbone = backbone;
        decoder = new SegmentationDecoder(backbone.StageChannels, numClasses, decoderWidth);
        RegisterComponents();
    }

    /// <summary>The pretrained part (parameter names start with "backbone.").</summary>
    public ResNetBackbone Backbone => backbone;

    /// <summary>The new, randomly initialised part (parameter names start with "decoder.").</summary>
    public SegmentationDecoder Decoder => decoder;

    public int NumClasses => decoder.NumClasses;

    public override Tensor forward(Tensor images) => ClassScoresFrom("layer4", FeatureMapsUpTo(images, "layer4"));

    /// <summary>Feature maps of the stem and every stage up to and including <paramref name="stage"/>, by name.</summary>
    public Dictionary<string, Tensor> FeatureMapsUpTo(Tensor images, string stage)
    {
        CheckSize(images);
        int last = IndexOf(stage);
        var maps = new Dictionary<string, Tensor>();
        var x = images;
        for (int i = 0; i <= last; i++)
        {
            x = backbone.RunStage(ResNetBackbone.StageNames[i], x);
            maps[ResNetBackbone.StageNames[i]] = x;
        }
        return maps;
    }

    /// <summary>
    /// Continues <see cref="FeatureMapsUpTo"/> from stage <paramref name="from"/>, whose map (and the earlier ones the
    /// decoder reads) <paramref name="maps"/> holds — e.g. cached maps of frozen stages — up to and including
    /// <paramref name="upTo"/>. Returns every map so far, by name.
    /// </summary>
    public Dictionary<string, Tensor> FeatureMapsFrom(IReadOnlyDictionary<string, Tensor> maps, string from, string upTo)
    {
        int first = IndexOf(from), last = IndexOf(upTo);
        if (last < first)
            throw new ArgumentException($"Cannot continue from {from} up to {upTo}: {upTo} comes before {from}. " +
                                        $"Cached maps of stages up to {from} cannot serve a model that changes {upTo}'s output.");
        if (!maps.TryGetValue(from, out var x))
            throw new ArgumentException($"FeatureMapsFrom(maps, \"{from}\", …) needs the map of {from}; got maps of: {string.Join(", ", maps.Keys)}.");
        var all = new Dictionary<string, Tensor>(maps);
        for (int i = first + 1; i <= last; i++)
        {
            x = backbone.RunStage(ResNetBackbone.StageNames[i], x);
            all[ResNetBackbone.StageNames[i]] = x;
        }
        return all;
    }

    /// <summary>
    /// Continues from <paramref name="maps"/> (as <see cref="FeatureMapsUpTo"/> returned them, the map of
    /// <paramref name="stage"/> possibly replaced by a fused one of the same shape): runs the later stages, then the
    /// decoder on layer1..layer4. Returns class scores at the input resolution.
    /// </summary>
    public Tensor ClassScoresFrom(string stage, IReadOnlyDictionary<string, Tensor> maps)
    {
        int from = IndexOf(stage);
        if (!maps.TryGetValue(stage, out var x))
            throw new ArgumentException($"ClassScoresFrom(\"{stage}\", maps) needs the map of {stage}; got maps of: {string.Join(", ", maps.Keys)}. Pass what FeatureMapsUpTo(images, \"{stage}\") returned.");
        int channels = backbone.ChannelsOf(stage);
        if (x.dim() != 4 || x.shape[1] != channels)
            throw new ArgumentException($"The map of {stage} must have shape (N, {channels}, h, w), got ({string.Join(", ", x.shape)}). A bridge must return A's shape.");
        var all = new Dictionary<string, Tensor>(maps);
        for (int i = from + 1; i < ResNetBackbone.StageNames.Count; i++)
        {
            x = backbone.RunStage(ResNetBackbone.StageNames[i], x);
            all[ResNetBackbone.StageNames[i]] = x;
        }
        return decoder.forward([all["layer1"], all["layer2"], all["layer3"], all["layer4"]]);
    }

    static int IndexOf(string stage)
    {
        int i = ResNetBackbone.StageNames.ToList().IndexOf(stage);
        if (i < 0) throw new ArgumentException($"Unknown stage '{stage}'. Stages are: {string.Join(", ", ResNetBackbone.StageNames)}.", nameof(stage));
        return i;
    }

    static void CheckSize(Tensor images)
    {
        if (images.dim() == 4 && (images.shape[2] % 32 != 0 || images.shape[3] % 32 != 0))
            throw new ArgumentException(
                $"ResNetSegmenter expects image sides that are multiples of 32 (the backbone's overall stride), got {images.shape[2]}×{images.shape[3]}. " +
                "Resize or pad the images, e.g. to 64×64 or 96×96.");
    }
}
