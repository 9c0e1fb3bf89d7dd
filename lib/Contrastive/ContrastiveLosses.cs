using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Contrastive;

/// <summary>
/// The two losses that pull matching image–text pairs together in a shared space. Both take a batch of B image
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
    /// The pairwise margin ("contrastive") loss of Hadsell, Chopra &amp; LeCun (2006), over every image–text pair
    /// of the batch (a B×B grid, not only the B matching rows):
    /// <code>
    /// d²[i,j] = ‖image_i − text_j‖²                  (squared Euclidean distance)
    /// d[i,j]  = sqrt(max(d²[i,j], 1e-12))            (the floor keeps the gradient finite at d = 0)
    /// loss    = mean over all i, j of  y[i,j]·d²[i,j] + (1 − y[i,j])·max(0, margin − d[i,j])²
    /// </code>
    /// Matching pairs (y = 1) are pulled together; non-matching pairs are pushed apart until they are at least
    /// <paramref name="margin"/> apart, and then left alone. The embeddings are used as given: the kit's towers
    /// L2-normalise them first, so distances lie in [0, 2] and margin 1 sits between "same" and "orthogonal".
    /// </summary>
    /// <param name="image">B image embeddings (B, D).</param>
    /// <param name="text">B text embeddings (B, D); row i pairs with image row i.</param>
    /// <param name="margin">How far apart non-matching pairs must be before they stop contributing.</param>
    /// <param name="labels">y, B×B: 1 where image i and text j match, else 0 (see <see cref="SameKey"/>).</param>
    public static Tensor Margin(Tensor image, Tensor text, Tensor labels, double margin = 1.0)
    {
        CheckPair(image, text);
        long b = image.shape[0];
        if (labels.dim() != 2 || labels.shape[0] != b || labels.shape[1] != text.shape[0])
            throw new ArgumentException($"Expected a {b}×{text.shape[0]} label matrix (1 = image i matches text j), got ({string.Join(", ", labels.shape)}).");
        using var scope = torch.NewDisposeScope();
        var d2 = (image.unsqueeze(1) - text.unsqueeze(0)).pow(2).sum(-1);    // (B, B)
        var d = d2.clamp_min(1e-12).sqrt();
        var y = labels.to(image.dtype);
        var loss = (y * d2 + (1 - y) * (margin - d).clamp_min(0).pow(2)).mean();
        return loss.MoveToOuterDisposeScope();
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
