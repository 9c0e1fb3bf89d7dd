using Microsoft.Data.Analysis;
using Tutorials.Backbones;

namespace Tutorials.Fusion;

/// <summary>
/// Helpers to choose where a new branch joins the pretrained backbone. The trade-off per stage:
/// an <b>early</b> stage (stride 4) keeps fine detail, so the second sensor can sharpen edges, and leaves every
/// later pretrained stage to adapt to the fused features; a <b>late</b> stage (stride 32) sees a coarse map, and
/// only the decoder learns to use the fusion — cheap, but fine depth edges are lost.
/// </summary>
public static class FusionStages
{
    /// <summary>The backbone's parameter-name prefixes of a stage ("stem" is conv1 and bn1).</summary>
    public static string[] PrefixesOf(string stage) => stage == "stem" ? ["conv1", "bn1"] : [stage];

    /// <summary>The stages up to and including <paramref name="stage"/>: these are frozen when fusing there.</summary>
    public static IReadOnlyList<string> UpTo(string stage)
    {
        int i = ResNetBackbone.StageNames.ToList().IndexOf(stage);
        if (i < 0) throw new ArgumentException($"Unknown stage '{stage}'. Stages are: {string.Join(", ", ResNetBackbone.StageNames)}.", nameof(stage));
        return ResNetBackbone.StageNames.Take(i + 1).ToList();
    }

    /// <summary>The stages after <paramref name="stage"/>: these are fine-tuned when fusing there.</summary>
    public static IReadOnlyList<string> After(string stage) => ResNetBackbone.StageNames.Skip(UpTo(stage).Count).ToList();

    /// <summary>
    /// A table of the candidate fusion stages for images of <paramref name="imageSize"/>: channels, stride, map size,
    /// and how many pretrained parameters stay frozen (stages up to it) or are fine-tuned (stages after it).
    /// </summary>
    public static DataFrame Table(ResNetBackbone backbone, int imageSize)
    {
        var stages = ResNetBackbone.StageNames;
        long CountOf(IEnumerable<string> names) => backbone.named_parameters()
            .Where(np => names.SelectMany(PrefixesOf).Any(p => Freezing.Freezer.MatchesPrefix(np.name, p)))
            .Sum(np => np.parameter.numel());
        return new DataFrame(
            new StringDataFrameColumn("fusion stage", stages),
            new Int32DataFrameColumn("channels", stages.Select(backbone.ChannelsOf)),
            new Int32DataFrameColumn("stride", stages.Select(backbone.StrideOf)),
            new StringDataFrameColumn("map size", stages.Select(s => $"{imageSize / backbone.StrideOf(s)}×{imageSize / backbone.StrideOf(s)}")),
            new Int64DataFrameColumn("frozen (stages up to it)", stages.Select(s => CountOf(UpTo(s)))),
            new Int64DataFrameColumn("fine-tuned (stages after it)", stages.Select(s => CountOf(After(s)))));
    }
}
