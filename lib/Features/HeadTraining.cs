using TorchSharp;
using Tutorials.Fusion;
using Tutorials.Training;
using static TorchSharp.torch;

namespace Tutorials.Features;

/// <summary>
/// Training a <see cref="ConcatFusionHead"/> on cached paired-digit features, the way notebooks 01 and 04 and the
/// feature-cache benchmark all do it: Adam (lr 10⁻³, weight decay 10⁻⁴), batches of 64, validation accuracy after
/// every epoch, the last epoch's weights kept. One <c>seed</c> fixes the head's initial weights, the
/// data order and the dropout masks, so a comparison repeated over seeds 0, 1, 2 varies exactly those.
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

    /// <summary>A new head for the given feature sizes, its weights drawn from <see cref="InitSeed"/>.</summary>
    public static ConcatFusionHead NewHead(long imageSize, long audioSize, long seed, long hiddenSize = 256, Device? device = null)
    {
        Kit.Seed(InitSeed(seed));
        return new ConcatFusionHead(imageSize, audioSize, classes: 10, hiddenSize: hiddenSize).to(device ?? Devices.Default);
    }

    public static optim.Optimizer NewOptimizer(ConcatFusionHead head) => optim.Adam(head.parameters(), lr: LearningRate, weight_decay: WeightDecay);

    /// <summary>
    /// Trains a new head on <paramref name="train"/> and reports <c>val_accuracy</c> on <paramref name="validation"/>
    /// after every epoch (null: no validation). <paramref name="extra"/> are further per-row tensors appended to each
    /// batch after (image, audio, labels), e.g. a teacher's soft targets as <c>batch[3]</c>; <paramref name="loss"/>
    /// maps (logits, batch) to the loss, cross-entropy on the labels when null. <paramref name="label"/>, when given, is
    /// printed above the progress line.
    /// </summary>
    public static (ConcatFusionHead Head, TrainingHistory History) Train(PairedDigitFeatures train, PairedDigitFeatures? validation,
        HeadInputs inputs, int epochs, long seed = 0, long hiddenSize = 256, Tensor[]? extra = null,
        Func<Tensor, Tensor[], Tensor>? loss = null, Device? device = null, IProgress<TrainingUpdate>? progress = null, string? label = null)
    {
        device ??= Devices.Default;
        if (label is not null) Console.WriteLine($"— {label}");
        var (image, audio) = train.For(inputs);
        var head = NewHead(image.shape[1], audio.shape[1], seed, hiddenSize, device);
        using var optimizer = NewOptimizer(head);
        loss ??= (logits, b) => nn.functional.cross_entropy(logits, b[2]);
        var batches = new TensorBatches([image, audio, train.Labels, .. extra ?? []], BatchSize, shuffle: true, seed: DataOrderSeed(seed));
        TensorBatches? validationBatches = null;
        if (validation is not null)
        {
            var (vImage, vAudio) = validation.For(inputs);
            validationBatches = new TensorBatches(256, vImage, vAudio, validation.Labels);
        }
        Func<Tensor[], Dictionary<string, Tensor>>? metrics = validationBatches is null ? null
            : b => new() { [ValidationAccuracy] = head.call(b[0], b[1]).argmax(1).eq(b[2]).to_type(ScalarType.Float32).mean() };
        var history = Trainer.Fit(head, optimizer, batches,
            loss: b => loss(head.call(b[0], b[1]), b),
            validationBatches, metrics,
            new TrainerOptions
            {
                Epochs = epochs, Seed = DropoutSeed(seed), Device = device,
                Monitor = validationBatches is null ? null : ValidationAccuracy, Maximize = validationBatches is not null,
                Progress = progress ?? TrainingProgress.Auto(),
            });
        return (head, history);
    }

    /// <summary>Class probabilities (N, 10) of a trained head on <paramref name="data"/>, logits divided by <paramref name="temperature"/>.</summary>
    public static Tensor Probabilities(ConcatFusionHead head, PairedDigitFeatures data, HeadInputs inputs, double temperature = 1, Device? device = null)
    {
        var (image, audio) = data.For(inputs);
        return Combining.Ensemble.Probabilities(head, b => head.call(b[0], b[1]) / temperature, new TensorBatches(256, image, audio), device);
    }

    /// <summary>As above, for the inputs the head was built for (<see cref="InputsOf"/>): image only, audio only or both.</summary>
    public static Tensor Probabilities(ConcatFusionHead head, PairedDigitFeatures data, double temperature = 1, Device? device = null) =>
        Probabilities(head, data, InputsOf(head), temperature, device);

    /// <summary>Fraction of <paramref name="data"/>'s rows the head classifies correctly.</summary>
    public static double Accuracy(ConcatFusionHead head, PairedDigitFeatures data, HeadInputs inputs, Device? device = null)
    {
        using var probabilities = Probabilities(head, data, inputs, device: device);
        return Combining.Ensemble.Accuracy(probabilities, data.Labels);
    }

    /// <summary>The inputs a head reads, from its declared feature sizes.</summary>
    public static HeadInputs InputsOf(ConcatFusionHead head) =>
        head.ImageFeatures == 0 ? HeadInputs.AudioOnly : head.AudioFeatures == 0 ? HeadInputs.ImageOnly : HeadInputs.Both;
}
