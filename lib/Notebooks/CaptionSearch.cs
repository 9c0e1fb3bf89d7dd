using Tutorials.Data;
using static TorchSharp.torch;
using Tutorials.Contrastive;

// Scaffolding for notebook 03 (03-contrastive-shared-space): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// Text → image search for display: the <c>k</c> images most similar to each query caption, with a mark per image
/// saying whether it is a right answer — its own caption says the same thing (class and attributes), or, for a
/// query about a class no caption was trained on, it is an image of that class.
/// </summary>
public static class CaptionSearch
{
    /// <summary>
    /// Example queries from <paramref name="pairs"/>: the first caption, the first sneaker, the first dark dress, and
    /// the first bag (a held-out class no training caption named).
    /// </summary>
    public static List<CaptionedImage> ExampleQueries(IReadOnlyList<CaptionedImage> pairs)
    {
        CaptionedImage First(Func<CaptionedImage, bool> which, string what) => pairs.FirstOrDefault(which)
            ?? throw new ArgumentException($"Expected {what} among the {pairs.Count} pairs, found none. Pass test pairs followed by zero-shot pairs.");
        if (pairs.Count == 0) throw new ArgumentException("Expected pairs to pick example queries from, got none.");
        return [pairs[0], First(p => p.Label == 7, "a sneaker"), First(p => p.Label == 3 && p.Dark, "a dark dress"), First(p => p.Label == 8, "a bag")];
    }

    /// <summary>
    /// Searches the images of <paramref name="space"/> with the captions of <paramref name="queries"/> as embedded in
    /// the same space (both rows follow <paramref name="pairs"/>, so each query is one of them).
    /// </summary>
    public static List<(string Query, Tensor Images, IReadOnlyList<bool> Correct)> TopImages(IReadOnlyList<CaptionedImage> queries,
        (Tensor Images, Tensor Texts) space, IReadOnlyList<CaptionedImage> pairs, Tensor grayImages, IReadOnlyCollection<int> classOnly, int k = 5)
    {
        var list = pairs.ToList();
        var rows = queries.Select(q => (long)list.IndexOf(q)).ToArray();
        var missing = queries.Where((q, i) => rows[i] < 0).Select(q => $"\"{q.Caption}\"").ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"Expected every query to be one of the searched pairs (its caption is taken from the space's text rows), " +
                $"got {missing.Count} that is not: {string.Join(", ", missing)}. Pick the queries from the pairs the space was embedded from.");
        using var index = tensor(rows);
        using var queryEmbeddings = space.Texts.index_select(0, index);
        return TopImages(queryEmbeddings, queries, space.Images, pairs, grayImages, classOnly, k);
    }

    /// <param name="queryEmbeddings">(Q, D), row q from <paramref name="queries"/>[q].</param>
    /// <param name="queries">The query pairs (their captions were embedded).</param>
    /// <param name="imageEmbeddings">(N, D), row i from <paramref name="searched"/>[i].</param>
    /// <param name="searched">The pairs whose images are searched.</param>
    /// <param name="grayImages">The gray images (M, H, W) that <see cref="CaptionedImage.ImageIndex"/> points into.</param>
    /// <param name="classOnly">Classes for which any image of the class counts as right (the zero-shot classes).</param>
    /// <param name="k">Images shown per query.</param>
    public static List<(string Query, Tensor Images, IReadOnlyList<bool> Correct)> TopImages(Tensor queryEmbeddings, IReadOnlyList<CaptionedImage> queries,
        Tensor imageEmbeddings, IReadOnlyList<CaptionedImage> searched, Tensor grayImages, IReadOnlyCollection<int> classOnly, int k = 5)
    {
        if (queryEmbeddings.shape[0] != queries.Count || imageEmbeddings.shape[0] != searched.Count)
            throw new ArgumentException($"Expected one embedding per query ({queries.Count}) and per searched image ({searched.Count}), got {queryEmbeddings.shape[0]} and {imageEmbeddings.shape[0]}.");
        using var scope = NewDisposeScope();
        var top = Retrieval.Similarity(queryEmbeddings, imageEmbeddings).topk(k, dim: 1).indexes.cpu();
        var result = new List<(string, Tensor, IReadOnlyList<bool>)>();
        for (int q = 0; q < queries.Count; q++)
        {
            var hits = top[q].data<long>().Select(h => searched[(int)h]).ToList();
            var correct = hits.Select(h => classOnly.Contains(queries[q].Label) ? h.Label == queries[q].Label : h.ContentKey == queries[q].ContentKey).ToList();
            var images = grayImages.index_select(0, tensor(hits.Select(h => (long)h.ImageIndex).ToArray())).MoveToOuterDisposeScope();
            result.Add((queries[q].Caption, images, correct));
        }
        return result;
    }
}
