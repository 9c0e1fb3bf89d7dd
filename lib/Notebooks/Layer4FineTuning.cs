using TorchSharp;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Combining;
using Tutorials.Data;
using Tutorials.Environment;

namespace Tutorials.Notebooks;

/// <summary>
/// Fine-tunes a <see cref="Layer4Classifier"/> on cached layer3 maps, the way notebook 04 prepares its
/// weight-averaging pairs (<see cref="Layer4FineTunePairs"/>): Adam (lr 10⁻³), batches of 32, a fixed number of epochs, then BatchNorm statistics
/// measured again on <c>batchNormBatches</c> — the same measurement every mixed model gets, so that α = 0 and α = 1
/// of an interpolation reproduce the two fine-tuned models exactly.
/// <para>
/// Memory: the trainer returns freed heap memory to the system once it adds up (<see cref="FreedMemory"/>, after each
/// step); without it, Adam's per-step temporaries of this 13 M-parameter stage piled up in the C heap (~1 GB per
/// fine-tune). The last
/// gradients are freed at the end, so a fine-tuned model kept for a curve costs only its weights (~55 MB).
/// </para>
/// </summary>
public static class Layer4FineTuning
{
    public const double LearningRate = 1e-3;
    public const int BatchSize = 32;

    /// <summary>
    /// Trains <paramref name="model"/> (moved to <paramref name="device"/>) on (<paramref name="maps"/>, <paramref name="labels"/>),
    /// shuffled with <paramref name="dataOrderSeed"/> (which also seeds the epochs' randomness). Returns the model.
    /// </summary>
    public static Layer4Classifier Run(Layer4Classifier model, Tensor maps, Tensor labels, int epochs, long dataOrderSeed,
        TensorBatches batchNormBatches, Device? device = null, IProgress<TrainingUpdate>? progress = null)
    {
        device ??= Devices.Default;
        model.to(device);
        using (var optimizer = optim.Adam(model.parameters(), lr: LearningRate))
            Trainer.Fit(model, optimizer, new TensorBatches([maps, labels], BatchSize, shuffle: true, seed: dataOrderSeed),
                loss: b => nn.functional.cross_entropy(model.call(b[0]), b[1]),   // the trainer returns freed heap memory per step
                options: new TrainerOptions { Epochs = epochs, Seed = dataOrderSeed, Device = device, Progress = progress ?? TrainingProgress.Auto() });
        model.zero_grad(set_to_none: true);     // the last step's gradients (a second copy of the weights) are never read again
        FreedMemory.ReturnToSystem();
        WeightAveraging.RecomputeBatchNorm(model, batchNormBatches, b => model.call(b[0]), device);
        return model;
    }
}
