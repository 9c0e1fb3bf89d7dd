using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Contrastive;

/// <summary>Recall@1/5/10 and the median rank of one retrieval direction (e.g. image → text).</summary>
public sealed record RetrievalScores(double R1, double R5, double R10, double MedianRank, int Queries)
{
    /// <summary>Recall at 1, 5 and 10 (fraction of queries whose first correct answer is in the top k) and the median rank.</summary>
    public static RetrievalScores FromRanks(IReadOnlyList<long> ranks)
    {
        if (ranks.Count == 0) throw new ArgumentException("Expected at least one query, got none.");
        double At(int k) => ranks.Count(r => r <= k) / (double)ranks.Count;
        var sorted = ranks.OrderBy(r => r).ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return new RetrievalScores(At(1), At(5), At(10), median, n);
    }
}

/// <summary>Both retrieval directions of a set of image–text pairs.</summary>
public sealed record CrossModalScores(RetrievalScores ImageToText, RetrievalScores TextToImage)
{
    /// <summary>Recall@1 and @5 of both directions by name: i2t_r1, i2t_r5, t2i_r1, t2i_r5.</summary>
    public Dictionary<string, double> ToMetrics() => new()
    {
        ["i2t_r1"] = ImageToText.R1, ["i2t_r5"] = ImageToText.R5, ["t2i_r1"] = TextToImage.R1, ["t2i_r5"] = TextToImage.R5,
    };
}

/// <summary>
/// Retrieval metrics over a whole evaluation set, computed in chunks of queries so that the full N×N similarity
/// matrix never has to exist at once.
/// <para>
/// <b>What counts as correct.</b> Every item has a key; a retrieved item is correct when its key equals the
/// query's. Keys = pair numbers give classic "the one caption of this image"; the kit uses the caption's content
/// (class and attributes), because two images whose captions say the same thing are equally right answers.
/// </para>
/// <para>
/// <b>Rank.</b> The rank of a query is 1 + the number of <i>wrong</i> items whose similarity is greater than
/// <i>or equal to</i> that of the best correct item. Ties therefore count against the model (pessimistic): an
/// encoder that maps everything to one point gets the worst rank, not the best. Recall@k = fraction of queries
/// with rank ≤ k; the median rank of an even number of queries is the mean of the two middle ranks.
/// </para>
/// </summary>
public static class Retrieval
{
    /// <summary>Cosine similarities (rows of both are L2-normalised first): queries × keys.</summary>
    public static Tensor Similarity(Tensor queries, Tensor keys) =>
        nn.functional.normalize(queries, p: 2, dim: 1).matmul(nn.functional.normalize(keys, p: 2, dim: 1).T);

    /// <summary>
    /// The rank of each query (see the class summary) when searching <paramref name="keys"/>, by cosine similarity,
    /// <paramref name="chunk"/> queries at a time.
    /// </summary>
    /// <param name="queries">Query embeddings (Q, D).</param>
    /// <param name="keys">Embeddings searched (K, D).</param>
    /// <param name="chunk">Queries per similarity block.</param>
    /// <param name="queryIds">One key per query (int64, length = rows of <paramref name="queries"/>).</param>
    /// <param name="keyIds">One key per searched item.</param>
    public static long[] Ranks(Tensor queries, Tensor keys, Tensor queryIds, Tensor keyIds, int chunk = 256)
    {
        if (queries.dim() != 2 || keys.dim() != 2 || queries.shape[1] != keys.shape[1])
            throw new ArgumentException($"Expected queries (Q, D) and keys (K, D) of the same width, got ({string.Join(", ", queries.shape)}) and ({string.Join(", ", keys.shape)}).");
        if (queryIds.numel() != queries.shape[0] || keyIds.numel() != keys.shape[0])
            throw new ArgumentException($"Expected one id per query ({queries.shape[0]}) and per key ({keys.shape[0]}), got {queryIds.numel()} and {keyIds.numel()}.");
        if (chunk < 1) throw new ArgumentOutOfRangeException(nameof(chunk), $"Expected a chunk of at least 1 query, got {chunk}.");
        using var _ = torch.no_grad();
        using var outer = torch.NewDisposeScope();
        var k = nn.functional.normalize(keys.detach(), p: 2, dim: 1);
        var kid = keyIds.reshape(-1).to(keys.device);
        var ranks = new List<long>((int)queries.shape[0]);
        for (long start = 0; start < queries.shape[0]; start += chunk)
        {
            using var scope = torch.NewDisposeScope();
            long n = Math.Min(chunk, queries.shape[0] - start);
            var q = nn.functional.normalize(queries.detach().narrow(0, start, n), p: 2, dim: 1);
            var qid = queryIds.reshape(-1).narrow(0, start, n).to(keys.device);
            ranks.AddRange(RanksFromSimilarity(q.matmul(k.T), qid, kid));
        }
        return ranks.ToArray();
    }

    /// <summary>Ranks from a ready similarity matrix (rows = queries, columns = items); the same rule as <see cref="Ranks"/>.</summary>
    public static long[] RanksFromSimilarity(Tensor similarity, Tensor queryIds, Tensor keyIds)
    {
        using var scope = torch.NewDisposeScope();
        var relevant = queryIds.reshape(-1, 1).eq(keyIds.reshape(1, -1));                       // (Q, K)
        var noRelevant = relevant.any(1).logical_not();
        if (noRelevant.any().item<bool>())
            throw new ArgumentException(
                $"{noRelevant.sum().item<long>()} queries have no correct item among the keys; every query needs at least one (check the ids).");
        var best = similarity.masked_fill(relevant.logical_not(), double.NegativeInfinity).max(1).values;   // best correct item
        var beaten = similarity.ge(best.unsqueeze(1)).logical_and(relevant.logical_not());                   // wrong items at least as close
        return (beaten.sum(1) + 1).cpu().data<long>().ToArray();
    }

    /// <summary>Image → text and text → image scores of paired embeddings (row i of both from pair i).</summary>
    public static CrossModalScores Evaluate(Tensor imageEmbeddings, Tensor textEmbeddings, Tensor imageIds, Tensor textIds, int chunk = 256) =>
        new(RetrievalScores.FromRanks(Ranks(imageEmbeddings, textEmbeddings, imageIds, textIds, chunk)),
            RetrievalScores.FromRanks(Ranks(textEmbeddings, imageEmbeddings, textIds, imageIds, chunk)));

    /// <summary>
    /// R@1 of a model that ranks at random, for comparison: the average over queries of (correct items / all items).
    /// (For k = 1 this is exact; with pessimistic ties a constant encoder scores 0.)
    /// </summary>
    public static double ChanceRecallAt1(Tensor queryIds, Tensor keyIds)
    {
        using var scope = torch.NewDisposeScope();
        var relevant = queryIds.reshape(-1, 1).eq(keyIds.reshape(1, -1)).to_type(ScalarType.Float64);
        return relevant.mean(new long[] { 1 }).mean().item<double>();
    }
}
