using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Evaluation;

/// <summary>
/// The simplest classifier on top of frozen features: average the (L2-normalised) feature vectors of each class
/// into a centroid, then label a new vector with the class of the closest centroid by cosine similarity.
/// No training loop, no hyper-parameters — so its accuracy measures the features, not the classifier.
/// </summary>
public sealed class NearestCentroid
{
    readonly Tensor centroids; // [classes, dim], unit length
    readonly int[] classes;

    public NearestCentroid(Tensor features, int[] labels)
    {
        if (features.dim() != 2 || features.shape[0] != labels.Length)
            throw new ArgumentException($"Expected features [n, dim] with n = {labels.Length} labels, got [{string.Join(", ", features.shape)}].", nameof(features));
        classes = labels.Distinct().OrderBy(l => l).ToArray();
        var unit = nn.functional.normalize(features.detach(), dim: 1);
        using var rows = torch.stack(classes.Select(c => unit[torch.tensor(Indices(labels, c))].mean(new long[] { 0 })).ToArray());
        centroids = nn.functional.normalize(rows, dim: 1);
    }

    /// <summary>The predicted class of each row of <paramref name="features"/> [n, dim].</summary>
    public int[] Predict(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var similarity = torch.matmul(nn.functional.normalize(features.detach(), dim: 1), centroids.t());
        var best = similarity.argmax(1).data<long>().ToArray();
        return best.Select(i => classes[i]).ToArray();
    }

    /// <summary>Fraction of <paramref name="labels"/> predicted correctly.</summary>
    public double Accuracy(Tensor features, int[] labels) =>
        Predict(features).Zip(labels).Count(p => p.First == p.Second) / (double)labels.Length;

    static long[] Indices(int[] labels, int c) => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).Select(i => (long)i).ToArray();
}
