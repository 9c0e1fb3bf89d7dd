using TorchSharp;
using Tutorials.Fusion;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Data;
using Tutorials.Environment;
using Tutorials.Evaluation;

namespace Tutorials.Notebooks;

/// <summary>
/// Training a <see cref="FusionClassifier"/> on cached paired-digit features, the way notebooks 01 and 04 and the
/// feature-cache benchmark all do it: the classifier reads image features, audio features or both concatenated
/// (named by modality: <c>["image"]</c>, <c>["audio"]</c>, <c>["image", "audio"]</c>); Adam (lr 10⁻³, weight decay 10⁻⁴), batches of 64, validation accuracy after every
/// epoch, the last epoch's weights kept. One <c>seed</c> fixes the head's initial weights, the data order and the
/// dropout masks, so a comparison repeated over seeds 0, 1, 2 varies exactly those.
/// </summary>
public static class HeadTraining
{
    public const double LearningRate = 1e-3, WeightDecay = 1e-4;
    public const int BatchSize = 64;
    public const string ValidationAccuracy = "val_accuracy";

    // Seed 0 gives the generators 1 (initial weights), 2 (data order), 3 (dropout): the notebooks' original run.
    public static long InitSeed(long seed) => 3 * seed + 1;
    public static long DataOrderSeed(long seed) => 3 * seed + 2;
    public static long DropoutSeed(long seed) => 3 * seed + 3;

    /// <summary>A new classifier over <paramref name="inputs"/> (10 digits), its weights drawn from <see cref="InitSeed"/>.</summary>
    public static FusionClassifier NewHead(IReadOnlyList<FusionInput> inputs, long seed, long hiddenSize = 256, Device? device = null)
    {
        Kit.Seed(InitSeed(seed));
        return new FusionClassifier(inputs, classes: 10, hiddenSize: hiddenSize).to(device ?? Devices.Default);
    }

    public static optim.Optimizer NewOptimizer(FusionClassifier head) => optim.Adam(head.parameters(), lr: LearningRate, weight_decay: WeightDecay);

    /// <summary>
    /// Trains a new classifier reading <paramref name="modalities"/> of <paramref name="train"/> and reports
    /// <c>val_accuracy</c> on <paramref name="validation"/> after every epoch (null: no validation).
    /// <paramref name="extra"/> are further per-row tensors that ride along with each batch, e.g. a teacher's soft
    /// targets; <paramref name="loss"/> maps (logits, labels, extra) to the loss, cross-entropy on the labels when
    /// null. <paramref name="label"/>, when given, is printed above the progress line.
    /// </summary>
    public static (FusionClassifier Head, TrainingHistory History) Train(PairedDigitFeatures train, PairedDigitFeatures? validation,
        IReadOnlyList<string> modalities, int epochs, long seed = 0, long hiddenSize = 256, Tensor[]? extra = null,
        Func<Tensor, Tensor, Tensor[], Tensor>? loss = null, Device? device = null, IProgress<TrainingUpdate>? progress = null, string? label = null)
    {
        device ??= Devices.Default;
        if (label is not null) Console.WriteLine($"— {label}");
        var features = Ordered(train, modalities);
        int k = features.Length;   // a batch is [features…, labels, extra…]: positions in the batch, names for the head
        var head = NewHead(train.Declare(modalities), seed, hiddenSize, device);
        using var optimizer = NewOptimizer(head);
        loss ??= (logits, labels, _) => nn.functional.cross_entropy(logits, labels);
        var batches = new TensorBatches([.. features, train.Labels, .. extra ?? []], BatchSize, shuffle: true, seed: DataOrderSeed(seed));
        TensorBatches? validationBatches = validation is null ? null : new TensorBatches(256, [.. Ordered(validation, modalities), validation.Labels]);
        Func<Tensor[], Dictionary<string, Tensor>>? metrics = validationBatches is null ? null
            : b => new() { [ValidationAccuracy] = head.call(Named(modalities, b[..k])).argmax(1).eq(b[k]).to_type(ScalarType.Float32).mean() };
        var history = Trainer.Fit(head, optimizer, batches,
            loss: b => loss(head.call(Named(modalities, b[..k])), b[k], b[(k + 1)..]),
            validate: validationBatches is null ? null : () => EvalPass.Mean(head, validationBatches, metrics!, device),
            options: new TrainerOptions
            {
                Epochs = epochs, Seed = DropoutSeed(seed), Device = device,
                Monitor = validationBatches is null ? null : ValidationAccuracy, Maximize = validationBatches is not null,
                Progress = progress ?? TrainingProgress.Auto(),
            });
        return (head, history);
    }

    /// <summary>
    /// Class probabilities (N, 10) of a trained classifier on <paramref name="data"/>, read with the inputs it was built
    /// for (<see cref="ModalitiesOf"/>), logits divided by <paramref name="temperature"/>.
    /// </summary>
    public static Tensor Probabilities(FusionClassifier head, PairedDigitFeatures data, double temperature = 1, Device? device = null)
    {
        var modalities = ModalitiesOf(head);
        return Combining.Ensemble.Probabilities(head, b => head.call(Named(modalities, b)) / temperature,
            new TensorBatches(256, Ordered(data, modalities)), device);
    }

    /// <summary>Fraction of <paramref name="data"/>'s rows the classifier gets right.</summary>
    public static double Accuracy(FusionClassifier head, PairedDigitFeatures data, Device? device = null)
    {
        using var probabilities = Probabilities(head, data, device: device);
        return Combining.Ensemble.Accuracy(probabilities, data.Labels);
    }

    /// <summary>The modalities a classifier reads, by the names its fusion was declared with ("image", "audio").</summary>
    public static IReadOnlyList<string> ModalitiesOf(FusionClassifier head) => head.Fusion.Inputs.Select(i => i.Name).ToList();

    /// <summary>A batch's feature tensors (in <paramref name="modalities"/> order) keyed by modality, as the head reads them.</summary>
    static Dictionary<string, Tensor> Named(IReadOnlyList<string> modalities, Tensor[] features) =>
        modalities.Select((m, i) => (m, features[i])).ToDictionary(x => x.m, x => x.Item2);

    /// <summary>The features of <paramref name="modalities"/> in that order: the columns of a mini-batch.</summary>
    static Tensor[] Ordered(PairedDigitFeatures data, IReadOnlyList<string> modalities)
    {
        var byName = data.For(modalities);
        return modalities.Select(m => byName[m]).ToArray();
    }
}
