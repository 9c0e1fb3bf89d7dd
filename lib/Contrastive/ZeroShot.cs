using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Contrastive;

/// <summary>
/// Zero-shot classification through the shared space: embed one text prompt per class ("a photo of a sandal"),
/// then give each image the class whose prompt is most similar. No classifier is trained; classes the model
/// never saw in training can be named.
/// </summary>
public static class ZeroShot
{
    /// <summary>The prompt template CLIP made popular.</summary>
    public const string DefaultTemplate = "a photo of a {0}";

    /// <summary>One prompt per class name.</summary>
    public static List<string> Prompts(IEnumerable<string> classNames, string template = DefaultTemplate) =>
        classNames.Select(c => string.Format(System.Globalization.CultureInfo.InvariantCulture, template, c)).ToList();

    /// <summary>
    /// A prompt ensemble: <paramref name="promptEmbeddings"/> holds <paramref name="promptsPerClass"/> consecutive
    /// rows per class (class 0's prompts, then class 1's, …); each class gets the normalised mean of its rows.
    /// Why: one phrasing carries its own quirks; the mean keeps what the phrasings agree on (CLIP used 80).
    /// </summary>
    public static Tensor ClassEmbeddings(Tensor promptEmbeddings, int promptsPerClass)
    {
        if (promptEmbeddings.dim() != 2 || promptsPerClass < 1 || promptEmbeddings.shape[0] % promptsPerClass != 0)
            throw new ArgumentException($"Expected (classes × {promptsPerClass}, D) prompt embeddings, got ({string.Join(", ", promptEmbeddings.shape)}).");
        using var scope = torch.NewDisposeScope();
        var mean = nn.functional.normalize(promptEmbeddings, p: 2, dim: 1).reshape(-1, promptsPerClass, promptEmbeddings.shape[1]).mean(new long[] { 1 });
        return nn.functional.normalize(mean, p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Index of the most similar prompt for each image (ties: the lowest index).</summary>
    public static long[] Predict(Tensor imageEmbeddings, Tensor promptEmbeddings)
    {
        using var _ = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return Retrieval.Similarity(imageEmbeddings, promptEmbeddings).argmax(1).cpu().data<long>().ToArray();
    }

    /// <summary>Fraction of images whose predicted prompt index equals <paramref name="targets"/> (indices into the prompts).</summary>
    public static double Accuracy(Tensor imageEmbeddings, Tensor promptEmbeddings, IReadOnlyList<long> targets) =>
        Accuracy(Predict(imageEmbeddings, promptEmbeddings), targets);

    /// <summary>Fraction of <paramref name="predicted"/> class indices equal to <paramref name="targets"/>.</summary>
    public static double Accuracy(IReadOnlyList<long> predicted, IReadOnlyList<long> targets)
    {
        if (predicted.Count != targets.Count)
            throw new ArgumentException($"Expected one target per image ({predicted.Count}), got {targets.Count}.");
        return predicted.Zip(targets).Count(p => p.First == p.Second) / (double)predicted.Count;
    }
}
