using Tutorials.Contrastive;
using Xunit.Abstractions;
using Tutorials.Display;

namespace Tutorials.Tests.Contrastive;

/// <summary>
/// The kit's t-SNE on data whose structure is known: well-separated Gaussian blobs must stay separated in the map,
/// and a smooth 2-D sheet hidden in 10-D must keep its neighbourhoods. Thresholds sit well below what the
/// implementation reaches (figures in each test) and far above what a random map scores.
/// </summary>
public class TSneTests(ITestOutputHelper output)
{
    /// <summary>4 blobs × 50 points in 20-D, centres 10 σ apart.</summary>
    static (Tensor Points, long[] Labels) Blobs(long seed = 3)
    {
        var g = new torch.Generator((ulong)seed);
        var centres = torch.randn(new long[] { 4, 20 }, dtype: ScalarType.Float64, generator: g);
        centres = centres / centres.norm(1, keepdim: true) * 10 / Math.Sqrt(2);         // pairwise ≈ 10 σ apart
        var labels = Enumerable.Range(0, 200).Select(i => (long)(i / 50)).ToArray();
        var points = centres.index_select(0, torch.tensor(labels)) + torch.randn(new long[] { 200, 20 }, dtype: ScalarType.Float64, generator: g);
        return (points, labels);
    }

    [Fact]
    public void SeparatedBlobsStaySeparated()
    {
        var (points, labels) = Blobs();
        var map = TSne.Embed(points, perplexity: 20, iterations: 500, exaggerationIterations: 150, seed: 0);
        Assert.Equal(new long[] { 200, 2 }, map.shape);
        // Every point's 10 nearest points on the map come from its own blob...
        var d = (map.unsqueeze(1) - map.unsqueeze(0)).pow(2).sum(-1) + torch.eye(200, dtype: ScalarType.Float64) * 1e12;
        var nearest = d.topk(10, dim: 1, largest: false).indexes.data<long>().ToArray();
        int wrong = Enumerable.Range(0, 200).Sum(i => nearest.Skip(i * 10).Take(10).Count(j => labels[j] != labels[i]));
        Assert.Equal(0, wrong);
        // ... and the blobs are apart: the closest pair from different blobs is farther apart than the typical
        // distance from a point to its blob's centre (measured: ratio ≈ 2–4).
        var centre = Enumerable.Range(0, 4).Select(c => map.narrow(0, c * 50, 50).mean(new long[] { 0 })).ToArray();
        double spread = Enumerable.Range(0, 4).Average(c => (map.narrow(0, c * 50, 50) - centre[c]).norm(1).mean().item<double>());
        var same = torch.tensor(labels).unsqueeze(1).eq(torch.tensor(labels).unsqueeze(0));
        double closestOther = d.masked_fill(same, 1e12).min().sqrt().item<double>();
        output.WriteLine($"blobs: {wrong} of 2000 map neighbours from another blob; closest other-blob pair {closestOther:F2}, blob radius {spread:F2}");
        Assert.True(closestOther > 1.0 * spread, $"closest points of different blobs {closestOther:F2} apart, blob radius {spread:F2}");
    }

    [Fact]
    public void ASheetKeepsItsNeighbourhoods()
    {
        // A 15×15 grid (a flat 2-D sheet) rotated into 10-D with a random orthonormal map, plus a little noise.
        var g = new torch.Generator(5);
        var grid = torch.stack(new[] { torch.arange(225, dtype: ScalarType.Float64) % 15, torch.arange(225, dtype: ScalarType.Float64).div(15, rounding_mode: RoundingMode.floor) }, 1);
        var (q, _) = torch.linalg.qr(torch.randn(new long[] { 10, 10 }, dtype: ScalarType.Float64, generator: g));
        var high = grid.matmul(q.narrow(1, 0, 2).T) + 0.05 * torch.randn(new long[] { 225, 10 }, dtype: ScalarType.Float64, generator: g);
        var map = TSne.Embed(high, perplexity: 15, iterations: 500, exaggerationIterations: 150, seed: 0);
        double kept = TSne.NeighbourPreservation(high, map, k: 8);
        double random = TSne.NeighbourPreservation(high, torch.randn(new long[] { 225, 2 }, dtype: ScalarType.Float64, generator: g), k: 8);
        output.WriteLine($"sheet: 8-NN preservation {kept:F3} (random map {random:F3})");
        Assert.True(kept >= 0.6, $"t-SNE kept {kept:P0} of each point's 8 nearest neighbours, expected ≥ 60 % (a random map: {random:P0})");
        Assert.True(random < 0.1, $"a random map kept {random:P0}");
    }

    [Fact]
    public void TheSameSeedGivesTheSameMap()
    {
        var (points, _) = Blobs();
        var a = TSne.Embed(points, perplexity: 20, iterations: 60, exaggerationIterations: 30, seed: 7);
        var b = TSne.Embed(points, perplexity: 20, iterations: 60, exaggerationIterations: 30, seed: 7);
        Assert.Equal(0.0, (a - b).abs().max().item<double>());
    }

    [Fact]
    public void AffinitiesAreCalibratedToThePerplexity()
    {
        // Each row's conditional distribution has perplexity exp(H) = the requested value; the joint P is the
        // symmetrised mean of the conditionals, so its rows sum to ~1/N and P is symmetric.
        var (points, _) = Blobs();
        var p = TSne.JointAffinities(points, perplexity: 20);
        Assert.Equal(1.0, p.sum().item<double>(), 6);
        Assert.True((p - p.T).abs().max().item<double>() < 1e-12);
        var conditional = TSne.ConditionalAffinities(points, perplexity: 20);
        var entropy = -(conditional * conditional.clamp_min(1e-300).log()).sum(1);
        Assert.True((entropy.exp() - 20).abs().max().item<double>() < 0.01, $"row perplexities {entropy.exp().min().item<double>():F3}…{entropy.exp().max().item<double>():F3}, expected 20");
    }

    [Fact]
    public void TooManyPointsOrABadPerplexityAreRejected()
    {
        Assert.Throws<ArgumentException>(() => TSne.Embed(torch.zeros(TSne.MaxPoints + 1, 3)));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TSne.Embed(torch.randn(10, 3), perplexity: 30));
        Assert.Contains("perplexity", ex.Message);
    }
}
