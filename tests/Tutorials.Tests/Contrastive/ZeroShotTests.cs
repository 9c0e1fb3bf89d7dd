using Tutorials.Contrastive;

namespace Tutorials.Tests.Contrastive;

/// <summary>Zero-shot prediction, accuracy, prompts and prompt ensembles on small embeddings worked out by hand.</summary>
public class ZeroShotTests
{
    static Tensor M(double[,] v) => torch.tensor(v, ScalarType.Float64);

    [Fact]
    public void ZeroShotPicksTheMostSimilarPrompt()
    {
        var images = M(new double[,] { { 1, 0 }, { 0, 1 }, { 0.9, 0.1 }, { -1, 0.2 } });
        var prompts = M(new double[,] { { 1, 0 }, { 0, 1 } });
        Assert.Equal(new long[] { 0, 1, 0, 1 }, ZeroShot.Predict(images, prompts));
        Assert.Equal(0.75, ZeroShot.Accuracy(images, prompts, new long[] { 0, 1, 0, 0 }));
        Assert.Equal(new[] { "a photo of a sandal", "a photo of a bag" }, ZeroShot.Prompts(new[] { "sandal", "bag" }));
    }

    [Fact]
    public void AccuracyOfPredictionsCountsMatchesAndRefusesMismatchedLengths()
    {
        Assert.Equal(2 / 3.0, ZeroShot.Accuracy(new long[] { 0, 1, 2 }, new long[] { 0, 1, 1 }), 12);
        var ex = Assert.Throws<ArgumentException>(() => ZeroShot.Accuracy(new long[] { 0, 1 }, new long[] { 0 }));
        Assert.Contains("one target per image", ex.Message);
    }

    [Fact]
    public void ClassEmbeddingsAverageEachClasssPromptsAndNormalise()
    {
        // Class 0: (1, 0) and (0, 1) → mean (0.5, 0.5) → unit (0.707, 0.707); class 1: (−1, 0) twice → (−1, 0).
        var classes = ZeroShot.ClassEmbeddings(M(new double[,] { { 1, 0 }, { 0, 1 }, { -1, 0 }, { -2, 0 } }), promptsPerClass: 2);
        Assert.Equal(new long[] { 2, 2 }, classes.shape);
        Assert.Equal(Math.Sqrt(0.5), classes[0, 0].item<double>(), 6);
        Assert.Equal(Math.Sqrt(0.5), classes[0, 1].item<double>(), 6);
        Assert.Equal(-1.0, classes[1, 0].item<double>(), 6);
    }
}
