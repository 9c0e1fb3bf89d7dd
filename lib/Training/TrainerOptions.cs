using static TorchSharp.torch;

namespace Tutorials.Training;

/// <summary>
/// How <see cref="Trainer"/> runs. A record, so a notebook changes one setting with <c>with</c>:
/// <c>options with { Epochs = Mode.Pick(2, 20) }</c>.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Where the model and the batches live. CPU unless a CUDA backend answers (see Devices.cs).</summary>
    public Device? Device { get; init; }

    /// <summary>The device actually used: <see cref="Device"/>, or <see cref="Devices.Default"/> when unset.</summary>
    public Device ResolvedDevice => Device ?? Devices.Default;

    /// <summary>Epochs to train in total (a resumed run counts the epochs already in its checkpoint).</summary>
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

    /// <summary>How much the monitored metric must improve to count as better (guards against noise-level gains).</summary>
    public double MinImprovement { get; init; } = 0;

    /// <summary>Stop after this many epochs without improvement; null trains all <see cref="Epochs"/>.</summary>
    public int? Patience { get; init; }

    /// <summary>At the end, put back the weights of the best epoch (kept as a copy while training).</summary>
    public bool RestoreBest { get; init; } = false;

    /// <summary>Clip the gradient norm of each step to this value (all trainable parameters together); null = no clipping.</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>File written (atomically) after every epoch: weights, optimizer state, history. Null = no checkpoints.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Continue from <see cref="CheckpointPath"/> when that file exists (start fresh when it does not).</summary>
    public bool Resume { get; init; } = false;

    /// <summary>Receives one update per epoch; null = <see cref="TrainingProgress.Auto"/> (kernel display or console).</summary>
    public IProgress<TrainingUpdate>? Progress { get; init; }

    /// <summary>Checks the settings; throws with what was expected and what was given.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), $"Expected at least 1 epoch, got {Epochs}.");
        if (Patience is < 1) throw new ArgumentOutOfRangeException(nameof(Patience), $"Expected a patience of at least 1 epoch (or null for none), got {Patience}.");
        if (MaxGradNorm is { } n && !(n > 0)) throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), $"Expected a positive gradient norm limit (or null for none), got {n}.");
        if (MinImprovement < 0) throw new ArgumentOutOfRangeException(nameof(MinImprovement), $"Expected a non-negative improvement threshold, got {MinImprovement}.");
        if (Monitor is not null && string.IsNullOrWhiteSpace(Monitor)) throw new ArgumentException("Expected a metric name to monitor, e.g. \"val_loss\", got an empty one.", nameof(Monitor));
        if (Resume && CheckpointPath is null)
            throw new ArgumentException("Resume is set but CheckpointPath is not: set CheckpointPath to the file to continue from.", nameof(Resume));
    }
}
