using Microsoft.Data.Analysis;
using TorchSharp;
using static TorchSharp.torch;
using Tutorials.Backbones;
using Tutorials.Data;

// Scaffolding for notebook 03 (03-contrastive-shared-space): the figures its prose states, computed from the run
// instead of asserted — where the ResNet's arithmetic is, and what the maps and the heatmap of the space show.
namespace Tutorials.Notebooks;

/// <summary>
/// Numbers behind notebook 03's sentences: multiply-adds per ResNet stage at the notebook's image size, how much
/// brighter the class blocks of the image–caption heatmap are, the gap between the two modalities, and how often an
/// image's nearest caption is of its own class.
/// </summary>
public static class SpaceFigures
{
    /// <summary>
    /// Multiply-adds of one image through each stage's convolutions (stem, layer1 … layer4) for a
    /// <paramref name="side"/>×<paramref name="side"/> input: per convolution, its weight count (out × in × kh × kw)
    /// times the pixels of its output map. Every convolution of a stage writes at that stage's output resolution (the
    /// stride-2 one included); the stem's 7×7 convolution writes at half the input side, before the max pool.
    /// BatchNorm, ReLU and pooling are left out (a few per cent). Exact for sides that are multiples of 32.
    /// </summary>
    public static DataFrame MultiplyAddsPerStage(ResNetBackbone net, int side, out double layer4Share)
    {
        var stages = ResNetBackbone.StageNames;
        var macs = new double[stages.Count];
        foreach (var (name, p) in net.named_parameters())
        {
            if (p.dim() != 4) continue;                                          // convolution weights only
            int stage = name.StartsWith("layer", StringComparison.Ordinal) ? name[5] - '0' : 0;
            long outSide = stage == 0 ? (side + 1) / 2 : side / net.StageStrides[stage - 1];
            macs[stage] += (double)p.numel() * outSide * outSide;
        }
        double total = macs.Sum();
        layer4Share = macs[^1] / total;
        return new DataFrame(new StringDataFrameColumn("stage", stages),
            new DoubleDataFrameColumn("million multiply-adds per image", macs.Select(m => Math.Round(m / 1e6, 1))),
            new DoubleDataFrameColumn("share", macs.Select(m => Math.Round(m / total, 3))));
    }

    /// <summary>
    /// The heatmap's rows and columns (<paramref name="perClass"/> first pairs of each class, as
    /// <c>EmbeddingPlots.PairHeatmap</c> picks them): the mean cosine similarity of an image to the captions of its
    /// own class, and to the captions of the other classes.
    /// </summary>
    public static (double SameClass, double OtherClasses) ClassBlocks((Tensor Images, Tensor Texts) space,
        IReadOnlyList<CaptionedImage> pairs, int perClass)
    {
        var shown = Enumerable.Range(0, pairs.Count).GroupBy(i => pairs[i].Label).SelectMany(g => g.Take(perClass)).ToList();
        using var scope = torch.NewDisposeScope();
        var rows = tensor(shown.Select(i => (long)i).ToArray());
        var s = Tutorials.Contrastive.Retrieval.Similarity(space.Images.index_select(0, rows), space.Texts.index_select(0, rows));
        var labels = tensor(shown.Select(i => (long)pairs[i].Label).ToArray());
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        double Mean(Tensor mask) => s.masked_select(mask).to_type(ScalarType.Float64).mean().item<double>();
        return (Mean(same), Mean(same.logical_not()));
    }

    /// <summary>The modality gap: the distance between the mean image embedding and the mean caption embedding.</summary>
    public static double ModalityGap((Tensor Images, Tensor Texts) space)
    {
        using var scope = torch.NewDisposeScope();
        return (space.Images.mean(new long[] { 0 }) - space.Texts.mean(new long[] { 0 })).norm().to_type(ScalarType.Float64).item<double>();
    }

    /// <summary>Share of images whose most similar caption (among all the space's captions) is of the image's class.</summary>
    public static double NearestCaptionOfOwnClass((Tensor Images, Tensor Texts) space, IReadOnlyList<int> labels)
    {
        using var scope = torch.NewDisposeScope();
        var nearest = Tutorials.Contrastive.Retrieval.Similarity(space.Images, space.Texts).argmax(1).data<long>().ToArray();
        return Enumerable.Range(0, nearest.Length).Count(i => labels[(int)nearest[i]] == labels[i]) / (double)nearest.Length;
    }
}
