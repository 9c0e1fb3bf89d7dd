using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Fusion;

/// <summary>One input of a fusion, keyed by its modality: its name ("image", "audio", "depth") and its number of features.</summary>
public sealed record FusionInput(string Name, long Size);

/// <summary>
/// Fusion by concatenation over any number of inputs keyed by modality (notebook 01): the caller hands over the features
/// by name (<c>{ ["image"] = …, ["audio"] = … }</c>), never by position, and each row's feature vectors are joined end
/// to end in the declared order, (N, a) + (N, b) + … → (N, a + b + …). No parameters: what the joined vector means is learned by the head
/// that follows (<see cref="FusionClassifier"/>). One input is allowed and simply passes through.
/// <para>
/// The declared sizes are checked on every call: a wrong extractor (say, a ResNet stage with 256 features where 512
/// were declared) fails with both sizes named, instead of a cryptic matrix-shape error deep inside the next Linear.
/// </para>
/// </summary>
public sealed class ConcatFusion : nn.Module<IReadOnlyDictionary<string, Tensor>, Tensor>
{
    /// <summary>The inputs, in the order they are joined.</summary>
    public IReadOnlyList<FusionInput> Inputs { get; }

    /// <summary>Length of the joined vector: the sum of the inputs' sizes.</summary>
    public long OutputSize => Inputs.Sum(i => i.Size);

    /// <summary>
    /// Modality dropout: during training, the probability that a row loses one of its inputs (set to zero; which
    /// one is drawn uniformly), so the head cannot lean on whichever sensor is easiest on the training data.
    /// 0 turns it off; with one input it has no effect.
    /// </summary>
    public double ModalityDropout { get; }

    public ConcatFusion(IReadOnlyList<FusionInput> inputs, double modalityDropout = 0) : base(nameof(ConcatFusion))
    {
        if (inputs.Count == 0 || inputs.Any(i => i.Size < 1))
            throw new ArgumentException(
                $"Expected at least one input, each with at least 1 feature, got [{string.Join(", ", inputs.Select(i => $"{i.Name}: {i.Size}"))}]. " +
                "A classifier on one input is a fusion over that one input alone.", nameof(inputs));
        if (modalityDropout is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(modalityDropout), $"Expected a probability in [0, 1), got {modalityDropout}.");
        Inputs = inputs.ToList();
        ModalityDropout = modalityDropout;
    }

    /// <summary>One (N, size) tensor per declared input, by name → (N, <see cref="OutputSize"/>), joined in the declared order.</summary>
    public override Tensor forward(IReadOnlyDictionary<string, Tensor> features)
    {
        var missing = Inputs.Where(i => !features.ContainsKey(i.Name)).Select(i => i.Name).ToList();
        var unknown = features.Keys.Where(k => Inputs.All(i => i.Name != k)).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
            throw new ArgumentException(
                $"This fusion was declared with the inputs {string.Join(", ", Inputs.Select(i => i.Name))}, got {string.Join(", ", features.Keys)}" +
                (missing.Count > 0 ? $" (missing: {string.Join(", ", missing)})" : "") +
                (unknown.Count > 0 ? $" (not declared: {string.Join(", ", unknown)})" : "") +
                ". Pass one feature tensor per declared input, keyed by its name.", nameof(features));
        var ordered = Inputs.Select(i => Check(i, features[i.Name])).ToList();
        if (training && ModalityDropout > 0 && Inputs.Count > 1) ordered = DropOneInput(ordered).ToList();
        return torch.cat(ordered.ToArray(), dim: 1);            // (N, a + b + …): the fusion itself
    }

    // Each row: with probability ModalityDropout one input (drawn uniformly) is replaced by zeros.
    Tensor[] DropOneInput(IReadOnlyList<Tensor> features)
    {
        long n = features[0].shape[0];
        var device = features[0].device;
        var drop = torch.rand(n, 1, device: device) < ModalityDropout;
        var which = (torch.rand(n, 1, device: device) * features.Count).floor();   // the input a dropped row loses
        return features.Select((f, i) => f * (drop & which.eq(i)).logical_not().to_type(f.dtype)).ToArray();
    }

    static Tensor Check(FusionInput input, Tensor t)
    {
        if (t.dim() != 2 || t.shape[1] != input.Size)
            throw new ArgumentException(
                $"The {input.Name} features have shape [{string.Join(", ", t.shape)}], but this fusion was declared with {input.Size} {input.Name} features " +
                $"(expected shape [N, {input.Size}]). Declare it with the extractor's real feature size, e.g. features.shape[1].");
        return t;
    }
}
