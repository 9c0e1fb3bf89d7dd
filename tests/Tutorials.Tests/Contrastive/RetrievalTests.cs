using Tutorials.Contrastive;

namespace Tutorials.Tests.Contrastive;

/// <summary>Ranks, recall@k and median rank on small similarity matrices worked out by hand.</summary>
public class RetrievalTests
{
    static Tensor M(double[,] v) => torch.tensor(v, ScalarType.Float64);
    static Tensor Ids(params long[] ids) => torch.tensor(ids);

    [Fact]
    public void RanksCountWrongItemsAtLeastAsSimilarAsTheBestCorrectOne()
    {
        // Query 0: correct item 0 is the most similar → rank 1.
        // Query 1: correct item 1 (0.5) is beaten by items 0 (0.9) and 2 (0.7) → rank 3.
        // Query 2: correct item 2 (0.6) is beaten by item 1 (0.8) → rank 2.
        var s = M(new[,] { { 0.9, 0.1, 0.2 }, { 0.9, 0.5, 0.7 }, { 0.3, 0.8, 0.6 } });
        Assert.Equal(new long[] { 1, 3, 2 }, Retrieval.RanksFromSimilarity(s, Ids(0, 1, 2), Ids(0, 1, 2)));
    }

    [Fact]
    public void TiesCountAgainstTheModel()
    {
        // Everything equally similar: every wrong item ties with the correct one → rank = 1 + (number of wrong items).
        var s = torch.ones(4, 4, dtype: ScalarType.Float64);
        Assert.Equal(new long[] { 4, 4, 4, 4 }, Retrieval.RanksFromSimilarity(s, Ids(0, 1, 2, 3), Ids(0, 1, 2, 3)));
        // One tie: query 0's correct item (0.5) ties with item 1 → rank 2.
        var t = M(new[,] { { 0.5, 0.5, 0.1 } });
        Assert.Equal(new long[] { 2 }, Retrieval.RanksFromSimilarity(t, Ids(0), Ids(0, 1, 2)));
    }

    [Fact]
    public void AnyItemWithTheSameKeyIsCorrectAndTheBestOfThemCounts()
    {
        // Items 0 and 2 share key 7. Query (key 7): best correct item is 2 (0.8); only item 1 (0.9) beats it → rank 2.
        var s = M(new[,] { { 0.1, 0.9, 0.8, 0.3 } });
        Assert.Equal(new long[] { 2 }, Retrieval.RanksFromSimilarity(s, Ids(7), Ids(7, 1, 7, 2)));
    }

    [Fact]
    public void RecallAndMedianRankFromRanks()
    {
        var scores = RetrievalScores.FromRanks(new long[] { 1, 2, 6, 11 });
        Assert.Equal(0.25, scores.R1);
        Assert.Equal(0.5, scores.R5);
        Assert.Equal(0.75, scores.R10);
        Assert.Equal(4.0, scores.MedianRank);                  // mean of the middle ranks 2 and 6
        Assert.Equal(6.0, RetrievalScores.FromRanks(new long[] { 6, 1, 11 }).MedianRank);
    }

    [Fact]
    public void ChunkedRanksEqualRanksOfTheWholeMatrixAndBothDirectionsAreComputed()
    {
        torch.manual_seed(3);
        var img = torch.randn(23, 5);
        var txt = img + 0.8 * torch.randn(23, 5);
        var ids = torch.arange(23);
        var whole = Retrieval.RanksFromSimilarity(Retrieval.Similarity(img, txt), ids, ids);
        Assert.Equal(whole, Retrieval.Ranks(img, txt, ids, ids, chunk: 4));
        var both = Retrieval.Evaluate(img, txt, ids, ids, chunk: 5);
        Assert.Equal(RetrievalScores.FromRanks(whole), both.ImageToText);
        Assert.Equal(RetrievalScores.FromRanks(Retrieval.RanksFromSimilarity(Retrieval.Similarity(txt, img), ids, ids)), both.TextToImage);
    }

    [Fact]
    public void IdenticalEmbeddingsRetrievePerfectly()
    {
        var x = torch.eye(6);
        var s = Retrieval.Evaluate(x, x, torch.arange(6), torch.arange(6));
        Assert.Equal(1.0, s.ImageToText.R1);
        Assert.Equal(1.0, s.TextToImage.MedianRank);
    }

    [Fact]
    public void ChanceIsTheShareOfCorrectItems()
    {
        Assert.Equal(0.25, Retrieval.ChanceRecallAt1(Ids(0, 1, 2, 3), Ids(0, 1, 2, 3)), 12);
        Assert.Equal(0.5, Retrieval.ChanceRecallAt1(Ids(0, 0, 1, 1), Ids(0, 0, 1, 1)), 12);
    }

    [Fact]
    public void AQueryWithoutACorrectItemIsAnError()
    {
        var ex = Assert.Throws<ArgumentException>(() => Retrieval.RanksFromSimilarity(torch.ones(1, 2), Ids(9), Ids(0, 1)));
        Assert.Contains("no correct item", ex.Message);
    }
}
