using static TorchSharp.torch;
using Tutorials.Losses;

// Scaffolding for notebook 03 (03-contrastive-shared-space): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// Checks a notebook's hand-written contrastive losses against the kit's tested ones (<see cref="ContrastiveLosses"/>,
/// checked against PyTorch) on one small seeded batch: 8 pairs of 4-d unit vectors — in 4-d, random pairs often fall
/// inside the margin, so the hinges are active — with some captions saying the same thing (keys 0 0, 1 1 repeat).
/// It seeds the global generator (<c>Kit.Seed(1)</c>) for that batch, as the notebook's own cell did; every training
/// run after it seeds again.
/// </summary>
public static class InlineLossCheck
{
    /// <summary>One line: each loss as written inline and as the kit computes it, margin 1, CLIP's initial temperature.</summary>
    /// <param name="articleMargin">(image, text, y, margin) → the article's margin loss.</param>
    /// <param name="hadsellMargin">(image, text, y, margin) → Hadsell's margin loss.</param>
    /// <param name="infoNce">(image, text, logit scale) → CLIP's symmetric InfoNCE.</param>
    public static string Compare(Func<Tensor, Tensor, Tensor, double, Tensor> articleMargin, Func<Tensor, Tensor, Tensor, double, Tensor> hadsellMargin,
        Func<Tensor, Tensor, Tensor, Tensor> infoNce)
    {
        Kit.Seed(1);
        using var scope = NewDisposeScope();
        var (a, b) = (nn.functional.normalize(randn(8, 4), dim: 1), nn.functional.normalize(randn(8, 4), dim: 1));
        var keys = tensor(new long[] { 0, 1, 0, 2, 3, 1, 4, 5 });
        var y = ContrastiveLosses.SameKey(keys, keys);
        var scale = tensor((float)ContrastiveLosses.InitialLogitScale);
        static string V(Tensor loss) => loss.item<float>().ToString("F5", System.Globalization.CultureInfo.InvariantCulture);
        return $"article margin {V(articleMargin(a, b, y, 1.0))} (lib {V(ContrastiveLosses.Margin(a, b, y))}); " +
               $"Hadsell {V(hadsellMargin(a, b, y, 1.0))} (lib {V(ContrastiveLosses.HadsellMargin(a, b, y))}); " +
               $"InfoNCE {V(infoNce(a, b, scale))} (lib {V(ContrastiveLosses.InfoNce(a, b, scale))})";
    }
}
