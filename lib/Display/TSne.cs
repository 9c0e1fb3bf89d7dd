using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Display;

/// <summary>
/// t-SNE (van der Maaten &amp; Hinton, 2008), exact O(N²), written with torch ops — for pictures of up to a few
/// thousand points (no t-SNE package is pinned here).
/// <list type="number">
/// <item><b>Affinities.</b> For each point i, a Gaussian over the others, p(j|i) ∝ exp(−β_i·‖x_i − x_j‖²), whose
/// width is found by binary search on β_i so that its perplexity 2^H equals <c>perplexity</c> (dense regions get
/// narrow Gaussians, sparse ones wide: every point gets about <c>perplexity</c> effective neighbours).
/// Symmetrised: P = (P_cond + P_condᵀ) / 2N.</item>
/// <item><b>Map.</b> 2-D points with a Student-t kernel, q_ij ∝ 1 / (1 + ‖y_i − y_j‖²); its heavy tail lets
/// dissimilar points sit far apart without cost.</item>
/// <item><b>Fit.</b> Gradient descent on KL(P‖Q): ∂/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j) / (1 + ‖y_i − y_j‖²),
/// with momentum (0.5, then 0.8), per-coordinate adaptive gains, and <b>early exaggeration</b> (P × 12 for the
/// first iterations) so that clusters form first and then spread out.</item>
/// </list>
/// What to read from the picture: which points are neighbours. Distances between clusters and cluster sizes mean
/// little (unlike <see cref="Pca"/>). Seeded: the same input and seed give the same map.
/// </summary>
public static class TSne
{
    /// <summary>Largest N accepted: the exact method keeps a few N×N matrices.</summary>
    public const int MaxPoints = 2000;

    /// <summary>
    /// 2-D t-SNE coordinates (N, 2), float64 on the CPU (computed in float32), of the rows of <paramref name="points"/> (N, D).
    /// </summary>
    /// <param name="points">(N, D) points, 4 ≤ N ≤ <see cref="MaxPoints"/>.</param>
    /// <param name="perplexity">Effective number of neighbours per point (5–50 is usual); must be below N − 1.</param>
    /// <param name="iterations">Gradient steps in all.</param>
    /// <param name="exaggerationIterations">Steps with P multiplied by <paramref name="exaggeration"/>.</param>
    /// <param name="exaggeration">Early-exaggeration factor.</param>
    /// <param name="learningRate">Step size; null = max(N / exaggeration / 4, 50) (scikit-learn's "auto").</param>
    /// <param name="seed">Seed of the initial map (small Gaussian noise).</param>
    public static Tensor Embed(Tensor points, double perplexity = 30, int iterations = 750, int exaggerationIterations = 250,
        double exaggeration = 12, double? learningRate = null, long seed = 0)
    {
        if (points.dim() != 2 || points.shape[0] < 4 || points.shape[0] > MaxPoints)
            throw new ArgumentException($"Expected points (N, D) with 4 ≤ N ≤ {MaxPoints}, got ({string.Join(", ", points.shape)}). Subsample larger sets first.");
        long n = points.shape[0];
        if (perplexity <= 1 || perplexity >= n - 1)
            throw new ArgumentOutOfRangeException(nameof(perplexity), $"Expected a perplexity between 1 and N − 1 = {n - 1}, got {perplexity}. Use fewer neighbours for small sets.");
        if (iterations < 1 || exaggerationIterations < 0 || exaggerationIterations > iterations)
            throw new ArgumentOutOfRangeException(nameof(iterations), $"Expected 0 ≤ exaggerationIterations ({exaggerationIterations}) ≤ iterations ({iterations}), iterations ≥ 1.");
        double lr = learningRate ?? Math.Max(n / exaggeration / 4, 50);

        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        // Affinities in float64 (the binary search needs it); the descent in float32 (half the time, enough for a picture).
        var p = JointAffinities(points.detach().cpu().to_type(ScalarType.Float64), perplexity).to_type(ScalarType.Float32);
        var generator = new Generator((ulong)seed);
        var y = torch.randn(new long[] { n, 2 }, dtype: ScalarType.Float32, generator: generator) * 1e-4f;
        var update = torch.zeros_like(y);
        var gains = torch.ones_like(y);
        var offDiagonal = 1 - torch.eye(n, dtype: ScalarType.Float32);
        for (int it = 0; it < iterations; it++)
        {
            using var step = torch.NewDisposeScope();
            var pNow = it < exaggerationIterations ? p * exaggeration : p;
            var kernel = offDiagonal / (1 + SquaredDistances(y));                  // Student-t, zero on the diagonal
            var q = (kernel / kernel.sum()).clamp_min(1e-12f);
            var w = (pNow - q) * kernel;                                            // (N, N)
            var grad = 4 * (w.sum(1, keepdim: true) * y - w.matmul(y));             // Σ_j w_ij (y_i − y_j)
            // Adaptive gains (Jacobs 1988, as in the reference implementation): grow where the gradient keeps
            // pointing against the last step's direction, shrink where it flips.
            var same = grad.sign().eq(update.sign());
            gains.copy_(torch.where(same, gains * 0.8, gains + 0.2).clamp_min(0.01));
            double momentum = it < exaggerationIterations ? 0.5 : 0.8;
            update.copy_(momentum * update - lr * gains * grad);
            y.add_(update);
            y.sub_(y.mean(new long[] { 0 }, keepdim: true));                        // keep the map centred
        }
        return y.to_type(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Symmetric joint affinities P (N, N), summing to 1, from conditional Gaussians calibrated to
    /// <paramref name="perplexity"/> by a binary search on each row's precision β (all rows at once).
    /// </summary>
    public static Tensor JointAffinities(Tensor points, double perplexity)
    {
        using var scope = torch.NewDisposeScope();
        var conditional = ConditionalAffinities(points, perplexity);
        var joint = (conditional + conditional.T) / (2 * conditional.shape[0]);
        return joint.clamp_min(1e-12).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// p(j|i) (N, N), rows summing to 1, each a Gaussian around point i whose precision β_i is set by binary search
    /// so that the row's perplexity exp(H) equals <paramref name="perplexity"/>.
    /// </summary>
    public static Tensor ConditionalAffinities(Tensor points, double perplexity, int searchSteps = 100, double tolerance = 1e-6)
    {
        using var scope = torch.NewDisposeScope();
        var x = points.to_type(ScalarType.Float64);
        long n = x.shape[0];
        var d2 = SquaredDistances(x);
        d2 = d2 / d2.masked_select(d2.gt(0)).mean().clamp_min(1e-12);             // scale-free start for β = 1
        var eye = torch.eye(n, dtype: ScalarType.Bool);
        double target = Math.Log(perplexity);                                      // entropy in nats
        // Shift by each row's smallest off-diagonal distance: exp never underflows for the nearest neighbour.
        var shifted = d2 - d2.masked_fill(eye, double.PositiveInfinity).min(1, keepdim: true).values;
        var beta = torch.ones(n, 1, dtype: ScalarType.Float64);
        var lo = torch.zeros(n, 1, dtype: ScalarType.Float64);
        var hi = torch.full(n, 1, double.PositiveInfinity, dtype: ScalarType.Float64);
        Tensor conditional = null!;
        // Each step makes several N×N temporaries; a scope per step frees them at once (otherwise every step's
        // would stay alive until the search ends: about 40 MB per step at N = 800).
        static Tensor Keep(Tensor next, Tensor? previous) { previous?.Dispose(); return next.MoveToOuterDisposeScope(); }
        for (int s = 0; s < searchSteps; s++)
        {
            using var step = torch.NewDisposeScope();
            var e = torch.exp(-shifted * beta).masked_fill(eye, 0);
            var sum = e.sum(1, keepdim: true);
            conditional = Keep(e / sum, conditional);
            var entropy = torch.log(sum) + beta * (conditional * shifted).sum(1, keepdim: true);
            var tooFlat = entropy.gt(target);                                      // too many neighbours: raise β
            if ((entropy - target).abs().max().item<double>() < tolerance) break;
            lo = Keep(torch.where(tooFlat, beta, lo), lo);
            hi = Keep(torch.where(tooFlat, hi, beta), hi);
            beta = Keep(torch.where(hi.isinf(), beta * 2, (lo + hi) / 2), beta);
        }
        return conditional.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Neighbour preservation: the mean fraction of each point's <paramref name="k"/> nearest neighbours in
    /// <paramref name="high"/> that are also among its k nearest in <paramref name="low"/>. 1 = every neighbourhood
    /// kept; a random map scores about k / (N − 1).
    /// </summary>
    public static double NeighbourPreservation(Tensor high, Tensor low, int k = 10)
    {
        if (high.dim() != 2 || low.dim() != 2 || high.shape[0] != low.shape[0])
            throw new ArgumentException($"Expected two (N, ·) point sets with the same N, got ({string.Join(", ", high.shape)}) and ({string.Join(", ", low.shape)}).");
        long n = high.shape[0];
        if (k < 1 || k >= n) throw new ArgumentOutOfRangeException(nameof(k), $"Expected 1 ≤ k < N = {n}, got {k}.");
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor Neighbours(Tensor x)
        {
            var d = SquaredDistances(x.detach().cpu().to_type(ScalarType.Float64));
            d = d.masked_fill(torch.eye(n, dtype: ScalarType.Bool), double.PositiveInfinity);
            return d.topk(k, dim: 1, largest: false).indexes;
        }
        Tensor Indicator(Tensor idx) => torch.zeros(n, n, dtype: ScalarType.Float64).scatter_(1, idx, torch.ones(idx.shape, dtype: ScalarType.Float64));
        var a = Indicator(Neighbours(high));
        var b = Indicator(Neighbours(low));
        return ((a * b).sum() / (n * (double)k)).item<double>();
    }

    /// <summary>‖x_i − x_j‖² for all pairs, via ‖x‖² + ‖y‖² − 2x·y, clamped at 0.</summary>
    static Tensor SquaredDistances(Tensor x)
    {
        var sq = x.pow(2).sum(1, keepdim: true);
        return (sq + sq.T - 2 * x.matmul(x.T)).clamp_min(0);
    }
}
