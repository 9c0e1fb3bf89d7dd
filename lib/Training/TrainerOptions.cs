using static TorchSharp.torch;
using Tutorials.Environment;

namespace Tutorials.Training;

/// <summary>
/// How <see cref="Trainer"/> runs. A record, so a notebook changes one setting with <c>with</c>:
/// <c>options with { Epochs = RunSize.Pick(learner: 2, study: 20) }</c>.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Where the model and the batches live. CPU unless a CUDA backend answers (see Devices.cs).</summary>
    public Device? Device { get; init; }

    /// <summary>The device actually used: <see cref="Device"/>, or <see cref="Devices.Default"/> when unset.</summary>
    public Device ResolvedDevice => Device ?? Devices.Default;

    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>
    /// Seed of the training randomness: the global generator is re-seeded from (Seed, epoch) at the start of each
    /// epoch, so dropout masks repeat exactly. (The model's initial weights come from whatever seed was set before
    /// the model was built; batch order from the TensorBatches' own seed.)
    /// </summary>
    public long Seed { get; init; } = 0;

    /// <summary>The metric that decides the best epoch, e.g. "val_accuracy"; null = "val_loss" with validation, else "train_loss".</summary>
    public string? Monitor { get; init; }

    /// <summary>True when a larger <see cref="Monitor"/> value is better (accuracy); false for losses.</summary>
    public bool Maximize { get; init; } = false;



    /// <summary>At the end, put back the weights of the best epoch by <see cref="Monitor"/> (kept as a copy while training): the
    /// validation set, not the last epoch, decides which weights the notebook goes on with.</summary>
    public bool RestoreBest { get; init; } = false;




    /// <summary>Receives one update per epoch; null = <see cref="TrainingProgress.Auto"/> (kernel display or console).</summary>
    public IProgress<TrainingUpdate>? Progress { get; init; }

    /// <summary>Checks the settings; throws with what was expected and what was given.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), $"Expected at least 1 epoch, got {Epochs}.");
        if (Monitor is not null && string.IsNullOrWhiteSpace(Monitor)) throw new ArgumentException("Expected a metric name to monitor, e.g. \"val_loss\", got an empty one.", nameof(Monitor));
    }
}
