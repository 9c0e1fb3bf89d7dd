using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Losses;

/// <summary>
/// The contrastive losses notebook 03 compares, as a type: a notebook picks one by name, and a misspelt name fails
/// to compile instead of silently training another loss.
/// </summary>
public enum ContrastiveLoss
{
    /// <summary>The article's loss: a hinge on the squared distance, margin 1 (<see cref="ContrastiveLosses.Margin"/>).</summary>
    ArticleMargin,
    /// <summary>Hadsell et al.'s margin loss: the hinge on the distance, squared (<see cref="ContrastiveLosses.HadsellMargin"/>).</summary>
    HadsellMargin,
    /// <summary>CLIP's symmetric cross-entropy over the similarity grid (<see cref="ContrastiveLosses.InfoNce"/>).</summary>
    InfoNce,
}

/// <summary>
/// The losses that pull matching image–text pairs together in a shared space. All take a batch of B image
/// embeddings and B text embeddings, row i of each coming from the same pair. Checked against PyTorch
/// (values and gradients, float64, tolerance 1e-5): scripts/contrastive/make_loss_fixtures.py →
/// data/pytorch-fixtures/contrastive-losses.json.
/// </summary>
public static class ContrastiveLosses
{
    /// <summary>CLIP's initial logit scale, ln(1/0.07): a temperature of 0.07.</summary>
    public static readonly double InitialLogitScale = Math.Log(1 / 0.07);

    /// <summary>CLIP's cap on the logit scale, ln(100): logits are at most 100 × cosine similarity.</summary>
    public static readonly double MaxLogitScale = Math.Log(100);

    /// <summary>
    /// The margin loss of the article the kit follows ("How can two trained PyTorch models be combined?",
    /// strategy 3), over every image–text pair of the batch (a B×B grid, not only the B matching rows):
    /// <code>
    /// d²[i,j] = ‖image_i − text_j‖²                  (squared Euclidean distance)
    /// loss    = mean over all i, j of  y[i,j]·d²[i,j] + (1 − y[i,j])·max(0, margin − d²[i,j])
    /// </code>
    /// A <i>linear</i> hinge on the <i>squared</i> distance: a non-matching pair closer than the margin is pushed
    /// with a gradient of constant size in d² (−1 per unit of d²) right up to the margin, then dropped.
    /// Compare <see cref="HadsellMargin"/>, whose push fades to zero as the pair reaches the margin.
    /// The embeddings are used as given: the kit's towers L2-normalise them first, so d² lies in [0, 4] and
    /// margin 1 means "at least 60° apart".
    /// </summary>
    /// <param name="image">B image embeddings (B, D).</param>
    /// <param name="text">B text embeddings (B, D); row i pairs with image row i.</param>
    /// <param name="labels">y, B×B: 1 where image i and text j match, else 0 (see <see cref="SameKey"/>).
    /// The article passes a label <i>vector</i>; a B×B matrix is what the formula means (see the notebook).</param>
    /// <param name="margin">Squared distance beyond which non-matching pairs stop contributing.</param>
    public static Tensor Margin(Tensor image, Tensor text, Tensor labels, double margin = 1.0)
    {
        using var scope = torch.NewDisposeScope();
        var (d2, y) = SquaredDistancesAndLabels(image, text, labels);
        var loss = (y * d2 + (1 - y) * (margin - d2).clamp_min(0)).mean();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The pairwise margin ("contrastive") loss of Hadsell, Chopra &amp; LeCun (2006), over every image–text pair:
    /// <code>
    /// d²[i,j] = ‖image_i − text_j‖²
    /// d[i,j]  = sqrt(max(d²[i,j], 1e-12))            (the floor keeps the gradient finite at d = 0)
    /// loss    = mean over all i, j of  y[i,j]·d²[i,j] + (1 − y[i,j])·max(0, margin − d[i,j])²
    /// </code>
    /// A <i>squared</i> hinge on the distance: the push on a non-matching pair, 2·(margin − d), shrinks to zero as
    /// the pair reaches the margin, so pairs near the margin are barely moved.
    /// </summary>
    /// <param name="image">B image embeddings (B, D).</param>
    /// <param name="text">B text embeddings (B, D); row i pairs with image row i.</param>
    /// <param name="labels">y, B×B: 1 where image i and text j match, else 0 (see <see cref="SameKey"/>).</param>
    /// <param name="margin">Distance beyond which non-matching pairs stop contributing.</param>
    public static Tensor HadsellMargin(Tensor image, Tensor text, Tensor labels, double margin = 1.0)
    {
        using var scope = torch.NewDisposeScope();
        var (d2, y) = SquaredDistancesAndLabels(image, text, labels);
        var d = d2.clamp_min(1e-12).sqrt();
        var loss = (y * d2 + (1 - y) * (margin - d).clamp_min(0).pow(2)).mean();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>(B, B) squared distances of every image to every text, and the labels in the embeddings' dtype.</summary>
    static (Tensor D2, Tensor Y) SquaredDistancesAndLabels(Tensor image, Tensor text, Tensor labels)
    {
        CheckPair(image, text);
        long b = image.shape[0];
        if (labels.dim() != 2 || labels.shape[0] != b || labels.shape[1] != text.shape[0])
            throw new ArgumentException(
                $"Expected a {b}×{text.shape[0]} label matrix (1 = image i matches text j), got ({string.Join(", ", labels.shape)}). " +
                "A label vector would broadcast over columns (y[i,j] = labels[j]), which is not what the loss means; " +
                "build the matrix with ContrastiveLosses.SameKey(keys, keys) or torch.eye(B).");
        var d2 = (image.unsqueeze(1) - text.unsqueeze(0)).pow(2).sum(-1);    // (B, B)
        return (d2, labels.to(image.dtype));
    }

    /// <summary>
    /// Label matrix y[i,j] = 1 when <paramref name="imageKeys"/>[i] equals <paramref name="textKeys"/>[j].
    /// Keys = pair numbers give "same pair only"; the kit uses the caption's content (class and attributes), so a
    /// caption that says exactly what another image's caption says counts as a match for that image too.
    /// </summary>
    public static Tensor SameKey(Tensor imageKeys, Tensor textKeys) =>
        imageKeys.unsqueeze(1).eq(textKeys.unsqueeze(0)).to_type(ScalarType.Float32);

    /// <summary>
    /// The symmetric InfoNCE loss of CLIP (Radford et al., 2021) with a learnable temperature:
    /// <code>
    /// u_i = image_i / ‖image_i‖,  v_j = text_j / ‖text_j‖
    /// s   = exp(min(logitScale, ln 100))             (1 / temperature)
    /// logits[i,j] = s · u_i·v_j
    /// loss = ( CE(logits, diag) + CE(logitsᵀ, diag) ) / 2
    /// </code>
    /// Row i of the image-to-text logits is a B-way classification whose right answer is text i, and the
    /// transposed matrix does the same for texts. The cap is applied in the forward pass (CLIP clamps the
    /// parameter after each step instead); above the cap the logit scale's gradient is therefore zero.
    /// </summary>
    /// <param name="image">B image embeddings (B, D); normalised here.</param>
    /// <param name="text">B text embeddings (B, D); normalised here.</param>
    /// <param name="maxLogitScale">The cap; default <see cref="MaxLogitScale"/>.</param>
    /// <param name="logitScale">A scalar (a learnable parameter, initialised at <see cref="InitialLogitScale"/>).</param>
    public static Tensor InfoNce(Tensor image, Tensor text, Tensor logitScale, double? maxLogitScale = null)
    {
        CheckPair(image, text);
        if (logitScale.numel() != 1)
            throw new ArgumentException($"Expected a scalar logit scale, got shape ({string.Join(", ", logitScale.shape)}).");
        using var scope = torch.NewDisposeScope();
        var u = nn.functional.normalize(image, p: 2, dim: 1);
        var v = nn.functional.normalize(text, p: 2, dim: 1);
        var s = logitScale.reshape([]).clamp_max(maxLogitScale ?? MaxLogitScale).exp();
        var logits = s * u.matmul(v.T);
        var target = torch.arange(image.shape[0], dtype: ScalarType.Int64, device: image.device);
        var loss = (nn.functional.cross_entropy(logits, target) + nn.functional.cross_entropy(logits.T, target)) / 2;
        return loss.MoveToOuterDisposeScope();
    }

    static void CheckPair(Tensor image, Tensor text)
    {
        if (image.dim() != 2 || text.dim() != 2 || image.shape[0] != text.shape[0] || image.shape[1] != text.shape[1])
            throw new ArgumentException(
                $"Expected image and text embeddings of the same shape (B, D), row i of each from pair i; got image ({string.Join(", ", image.shape)}) " +
                $"and text ({string.Join(", ", text.shape)}). Project both towers into the same space first.");
    }
}
