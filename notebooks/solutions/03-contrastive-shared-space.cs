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
    /// Exercise 03.1: precision@k = mean over queries of (items among the k most similar whose key is the query's) / k.
    /// </summary>
    public static double PrecisionAtK(Tensor similarity, Tensor queryKeys, Tensor itemKeys, int k)
    {
        var top = similarity.topk(k, dim: 1).indexes;                              // (Q, k): the k most similar items
        var topKeys = itemKeys.index_select(0, top.reshape(-1)).reshape(top.shape); // their keys, row by row
        var right = topKeys.eq(queryKeys.unsqueeze(1)).to_type(ScalarType.Float64); // 1 where the item says the same
        return (right.sum(1) / k).mean().item<double>();                           // share per query, then the mean
    }

    /// <summary>Exercise 03.2: zero-shot class probabilities, softmax over classes of exp(logit scale) · cosine.</summary>
    public static Tensor ZeroShotProbabilities(Tensor images, Tensor classes, double logitScale)
    {
        var u = nn.functional.normalize(images, p: 2, dim: 1);                    // unit length: dot product = cosine
        var c = nn.functional.normalize(classes, p: 2, dim: 1);
        var logits = Math.Exp(logitScale) * u.matmul(c.T);                          // (N, C); exp(s) = 1 / temperature
        return logits.softmax(1);                                                   // each image's classes sum to 1
    }
}
