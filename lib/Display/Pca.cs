using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Display;

/// <summary>A fitted principal component analysis: the mean, the components (rows) and how much variance each explains.</summary>
public sealed class Pca : IDisposable
{
    /// <summary>(D) mean of the fitted points.</summary>
    public Tensor Mean { get; }

    /// <summary>(k, D) unit directions of largest variance, largest first. Sign: the largest-magnitude entry is positive.</summary>
    public Tensor Components { get; }

    /// <summary>Variance along each component (divided by N − 1, like scikit-learn).</summary>
    public double[] ExplainedVariance { get; }

    /// <summary>Fraction of the total variance along each component.</summary>
    public double[] ExplainedVarianceRatio { get; }

    Pca(Tensor mean, Tensor components, double[] variance, double[] ratio)
    {
        Mean = mean; Components = components; ExplainedVariance = variance; ExplainedVarianceRatio = ratio;
    }

    /// <summary>
    /// Fits <paramref name="components"/> principal components to the rows of <paramref name="points"/> (N, D):
    /// centre the points, take the SVD X = U·S·Vᵀ; the rows of Vᵀ are the directions, S²/(N − 1) the variances.
    /// Why PCA for the plots: it is linear and deterministic, so "before" and "after" pictures are comparable and
    /// distances along the axes mean something (t-SNE/UMAP distort them; no maintained .NET package is pinned here).
    /// </summary>
    public static Pca Fit(Tensor points, int components = 2)
    {
        if (points.dim() != 2 || points.shape[0] < 2)
            throw new ArgumentException($"Expected points (N, D) with N ≥ 2, got ({string.Join(", ", points.shape)}).");
        if (components < 1 || components > Math.Min(points.shape[0], points.shape[1]))
            throw new ArgumentOutOfRangeException(nameof(components), $"Expected 1..{Math.Min(points.shape[0], points.shape[1])} components, got {components}.");
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var x = points.detach().to_type(ScalarType.Float64).cpu();
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        var (_, s, vh) = torch.linalg.svd(centred, fullMatrices: false);
        var top = vh.narrow(0, 0, components);
        // SVD signs are arbitrary; fix them so that the same data always gives the same picture.
        var biggest = top.abs().argmax(1, keepdim: true);
        var sign = top.gather(1, biggest).sign();
        top = top * sign.where(sign.ne(0), torch.ones_like(sign));
        var variance = (s.pow(2) / (x.shape[0] - 1)).data<double>().ToArray();
        double total = variance.Sum();
        var ratio = variance.Take(components).Select(v => total > 0 ? v / total : 0).ToArray();
        return new Pca(mean.MoveToOuterDisposeScope(), top.contiguous().MoveToOuterDisposeScope(), variance.Take(components).ToArray(), ratio);
    }

    /// <summary>(N, D) → (N, k) coordinates along the components.</summary>
    public Tensor Transform(Tensor points)
    {
        using var _ = torch.no_grad();
        return (points.detach().to_type(ScalarType.Float64).cpu() - Mean).matmul(Components.T);
    }

    public void Dispose() { Mean.Dispose(); Components.Dispose(); }
}
