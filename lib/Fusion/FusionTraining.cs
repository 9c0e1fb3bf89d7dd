using Microsoft.Data.Analysis;
using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Training;
using Tutorials.Segmentation;
using static TorchSharp.torch;
using Tutorials.Freezing;

namespace Tutorials.Fusion;

/// <summary>
/// Partial freezing and per-part learning rates for a model that fuses a new branch into a pretrained backbone.
/// <list type="bullet">
/// <item><b>frozen</b>: backbone stages up to and including the fusion stage. Nothing new flows into them, so
/// there is nothing to adapt; freezing keeps the pretrained features intact and saves their backward pass.</item>
/// <item><b>fine-tuned</b>, small learning rate: backbone stages after the fusion stage. They now receive fused
/// features and must adapt, but slowly, or they forget what ImageNet taught them.</item>
/// <item><b>new</b>, large learning rate: depth branch, bridge, decoder. They start random and must learn fast.</item>
/// </list>
/// </summary>
public static class FusionTraining
{
    /// <summary>One named group of parameters, for the summary table.</summary>
    public sealed record Part(string Name, IReadOnlyList<Parameter> Parameters);

    /// <summary>Freezes the backbone's stages up to and including <paramref name="stage"/>; the later stages train.</summary>
    public static void FreezeBackboneUpTo(ResNetBackbone backbone, string stage)
    {
        Freezer.Unfreeze(backbone);
        Freezer.Freeze(backbone, FusionStages.UpTo(stage).SelectMany(FusionStages.PrefixesOf).ToArray());
    }

    /// <summary>The backbone parameters that still train (the stages after the fusion point).</summary>
    public static List<Parameter> FineTunedParameters(ResNetBackbone backbone) => Freezer.TrainableParameters(backbone);

    /// <summary>Every trainable parameter of <paramref name="model"/> that is not in <paramref name="backbone"/>: the new parts.</summary>
    public static List<Parameter> NewParameters(nn.Module model, ResNetBackbone backbone)
    {
        var pretrained = backbone.parameters().Select(p => p.Handle).ToHashSet();
        return model.parameters().Where(p => p.requires_grad && !pretrained.Contains(p.Handle)).ToList();
    }

    /// <summary>
    /// Frees a trained model's weights and its optimizer's state now. A notebook that trains several models in a row
    /// (seeds, an ablation) would otherwise keep every one alive until the garbage collector happens to run: each
    /// ResNet-18 with Adam is about 200 MB of native memory that .NET does not see.
    /// </summary>
    public static void Release(nn.Module model, optim.Optimizer? optimizer = null)
    {
        optimizer?.Dispose();
        foreach (var (_, b) in model.named_buffers()) b.Dispose();
        foreach (var p in model.parameters()) p.Dispose();
        model.Dispose();
    }

    /// <summary>The parts of an RGB-only segmenter: each backbone stage, then the decoder.</summary>
    public static List<Part> Parts(ResNetSegmenter model) => [.. BackboneParts(model.Backbone), new("decoder (new)", model.Decoder.parameters().ToList())];

    /// <summary>The parts of a fused model: each backbone stage, the depth branch, the bridge, the decoder.</summary>
    public static List<Part> Parts(RgbdSegmenter model) =>
    [
        .. BackboneParts(model.Rgb.Backbone),
        new("depth branch (new)", model.Depth.parameters().ToList()),
        new($"bridge at {model.Stage} (new)", model.Bridge.parameters().ToList()),
        new("decoder (new)", model.Rgb.Decoder.parameters().ToList()),
    ];

    static IEnumerable<Part> BackboneParts(ResNetBackbone backbone) =>
        ResNetBackbone.StageNames.Select(stage => new Part($"backbone {stage}",
            backbone.named_parameters().Where(np => FusionStages.PrefixesOf(stage).Any(p => Freezer.MatchesPrefix(np.name, p)))
                .Select(np => np.parameter).ToList()));

    /// <summary>
    /// One row per part: parameter counts, whether it is frozen, trainable or partly frozen (the words of <see cref="Freezer.Summary"/>), and the learning rate its
    /// optimizer group gives it ("—" when frozen, "not in optimizer" when trainable but forgotten — a common bug).
    /// </summary>
    public static DataFrame Summary(IEnumerable<Part> parts, optim.Optimizer optimizer)
    {
        var rateOf = new Dictionary<IntPtr, double>();
        foreach (var group in optimizer.ParamGroups)
            if (group is ParamGroup g)
                foreach (var p in g.Parameters) rateOf[p.Handle] = group.LearningRate;

        var name = new StringDataFrameColumn("part");
        var trainable = new Int64DataFrameColumn("trainable parameters");
        var frozen = new Int64DataFrameColumn("frozen parameters");
        var status = new StringDataFrameColumn("status");
        var lr = new StringDataFrameColumn("learning rate");
        foreach (var part in parts)
        {
            long t = part.Parameters.Where(p => p.requires_grad).Sum(p => p.numel());
            long f = part.Parameters.Where(p => !p.requires_grad).Sum(p => p.numel());
            var rates = part.Parameters.Where(p => p.requires_grad)
                .Select(p => rateOf.TryGetValue(p.Handle, out var r) ? r.ToString("G3", System.Globalization.CultureInfo.InvariantCulture) : "not in optimizer")
                .Distinct().ToList();
            name.Append(part.Name);
            trainable.Append(t);
            frozen.Append(f);
            status.Append(Freezer.Status(t, f));
            lr.Append(rates.Count == 0 ? "—" : string.Join(", ", rates));
        }
        return new DataFrame(name, trainable, frozen, status, lr);
    }
}
