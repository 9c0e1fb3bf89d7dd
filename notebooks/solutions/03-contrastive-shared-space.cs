// Solutions to the exercises of notebook 03 (03-contrastive-shared-space.ipynb).
// Try each exercise in the notebook first; the check cell tells you what is off. Each method body here is what
// goes into the notebook's stub cell. The test suite checks these solutions with the same checks
// (tests/Tutorials.Tests/Exercises/).
using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Solutions;

public static class Notebook03
{
    /// <summary>
    /// Exercise 03.1: loss = mean over all i, j of y·d² + (1 − y)·max(0, 1 − d²), d² = ‖image_i − text_j‖².
    /// </summary>
    public static Tensor MarginLoss(Tensor image, Tensor text, Tensor y)
    {
        // (B, 1, D) − (1, B, D) broadcasts to (B, B, D): every image against every caption.
        var d2 = (image.unsqueeze(1) - text.unsqueeze(0)).pow(2).sum(-1);     // (B, B) squared distances
        var pull = y * d2;                                                    // matching pairs: come closer
        var push = (1 - y) * (1 - d2).clamp_min(0);                           // others: until d² ≥ 1, then 0
        return (pull + push).mean();                                          // mean over the whole grid
    }

    /// <summary>Exercise 03.2: CLIP's symmetric InfoNCE with a fixed scale (1 / temperature).</summary>
    public static Tensor InfoNce(Tensor image, Tensor text, double scale)
    {
        var u = nn.functional.normalize(image, p: 2, dim: 1);                 // unit length: dot product = cosine
        var v = nn.functional.normalize(text, p: 2, dim: 1);
        var logits = scale * u.matmul(v.T);                                   // (B, B): row i = image i vs every caption
        var targets = torch.arange(image.shape[0], dtype: ScalarType.Int64, device: image.device);  // caption i belongs to image i
        var imageToText = nn.functional.cross_entropy(logits, targets);
        var textToImage = nn.functional.cross_entropy(logits.T, targets);     // columns: each caption picks its image
        return (imageToText + textToImage) / 2;
    }
}
