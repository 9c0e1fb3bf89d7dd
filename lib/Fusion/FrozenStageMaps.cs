using TorchSharp;
using Tutorials.Data;
using Tutorials.Environment;
using Tutorials.Evaluation;
using Tutorials.Freezing;
using Tutorials.Segmentation;
using static TorchSharp.torch;

namespace Tutorials.Fusion;

/// <summary>
/// What a segmenter's frozen stages compute for a whole data set, computed once. Stages up to and including
/// <see cref="UpTo"/> are frozen with their BatchNorm in eval, so their output depends on the image alone: computing it
/// again in every step, epoch and run is work done twice (notebooks 01 and 03 cache their frozen extractors the same
/// way). Kept: the maps the rest of the model reads — the last frozen stage's, and the earlier ones the decoder reads
/// (layer1 onward; the stem's is read by no one once layer1 is computed).
/// <para>
/// Use: a <see cref="TensorBatches"/> over <c>[.. maps.Maps, depth, mask, …]</c>; in the loss, <see cref="Of"/> turns
/// a batch's first tensors back into maps by stage name, for <see cref="ResNetSegmenter.ClassScoresFrom"/> or
/// <see cref="RgbdSegmenter.ScoresFrom"/>. The results equal running the images through the frozen stages up to
/// float rounding (a convolution's result can depend on the batch it runs in).
/// </para>
/// </summary>
public sealed class FrozenStageMaps : IDisposable
{
    /// <summary>The last frozen stage.</summary>
    public string UpTo { get; }

    /// <summary>The stages whose maps are kept, in order.</summary>
    public IReadOnlyList<string> Stages { get; }

    /// <summary>One tensor per stage in <see cref="Stages"/>: (rows, channels, h, w), on the CPU.</summary>
    public Tensor[] Maps { get; }

    /// <summary>Rows (images).</summary>
    public long Count => Maps[0].shape[0];

    FrozenStageMaps(string upTo, IReadOnlyList<string> stages, Tensor[] maps) => (UpTo, Stages, Maps) = (upTo, stages, maps);

    /// <summary>
    /// Runs <paramref name="images"/> (preprocessed, N × 3 × H × W) through <paramref name="model"/>'s stages up to and
    /// including <paramref name="upTo"/>, in chunks, in eval and inference mode. Those stages must be frozen: a map of
    /// weights that still train would be stale after the first step.
    /// </summary>
    public static FrozenStageMaps Compute(ResNetSegmenter model, Tensor images, string upTo, Device? device = null, int chunk = 64)
    {
        var prefixes = FusionStages.UpTo(upTo).SelectMany(FusionStages.PrefixesOf).ToArray();
        var training = model.Backbone.named_parameters()
            .FirstOrDefault(np => np.parameter.requires_grad && prefixes.Any(p => Freezer.MatchesPrefix(np.name, p)));
        if (training.parameter is not null)
            throw new InvalidOperationException(
                $"Expected the stages up to {upTo} to be frozen before their maps are cached, but \"backbone.{training.name}\" " +
                $"still trains. Freeze first, e.g. FusionTraining.FreezeBackboneUpTo(model.Backbone, \"{upTo}\").");
        device ??= Devices.Default;
        var stages = KeptStages(upTo);
        var maps = stages.Select(stage => EvalPass.Collect(images.shape[0], chunk,
            (start, count) => model.FeatureMapsUpTo(images.narrow(0, start, count).to(device), upTo)[stage], [model])).ToArray();
        return new FrozenStageMaps(upTo, stages, maps);
    }

    /// <summary>The maps of a batch whose first <see cref="Stages"/>.Count tensors are these maps, by stage name.</summary>
    public Dictionary<string, Tensor> Of(Tensor[] batch)
    {
        if (batch.Length < Stages.Count || Enumerable.Range(0, Stages.Count).Any(i => batch[i].dim() != 4 || batch[i].shape[1] != Maps[i].shape[1]))
            throw new ArgumentException(
                $"Expected a batch whose first {Stages.Count} tensor(s) are the cached maps of {string.Join(", ", Stages)} " +
                $"({string.Join(", ", Maps.Select(m => $"(N, {m.shape[1]}, {m.shape[2]}, {m.shape[3]})"))}), got " +
                $"{string.Join(", ", batch.Select(t => $"({string.Join(", ", t.shape)})"))}. Build the batches over " +
                "[.. maps.Maps, depth, mask, …] of the same FrozenStageMaps.", nameof(batch));
        return Stages.Select((stage, i) => (stage, batch[i])).ToDictionary(x => x.stage, x => x.Item2);
    }

    /// <summary>Rows <paramref name="start"/> … + <paramref name="count"/> − 1, by stage name, on <paramref name="device"/>.</summary>
    public Dictionary<string, Tensor> Rows(long start, long count, Device? device = null) =>
        Stages.Select((stage, i) => (stage, Maps[i].narrow(0, start, count).to(device ?? Devices.Default)))
            .ToDictionary(x => x.stage, x => x.Item2);

    /// <summary>The last frozen stage's map and every earlier one from layer1 on (what the later stages and decoder read).</summary>
    static IReadOnlyList<string> KeptStages(string upTo) => upTo == "stem"
        ? ["stem"]
        : FusionStages.UpTo(upTo).Where(s => s != "stem").ToList();

    public void Dispose()
    {
        foreach (var m in Maps) m.Dispose();
    }
}
