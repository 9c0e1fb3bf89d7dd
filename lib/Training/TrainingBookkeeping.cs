using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Training;

/// <summary>
/// Everything <see cref="Trainer.Fit(nn.Module, optim.Optimizer, TensorBatches, Func{Tensor[], Tensor}, Func{IReadOnlyDictionary{string, double}}?, TrainerOptions?)"/>
/// keeps about a run, beside its loop: the <see cref="TrainingHistory"/>, the best epoch and <see cref="EarlyStopping"/>,
/// a copy of the best weights (<see cref="TrainerOptions.RestoreBest"/>, <see cref="WeightSnapshot"/>), the
/// <see cref="Checkpoint"/> after every epoch and resuming from it (<see cref="TrainerOptions.CheckpointPath"/>,
/// <see cref="TrainerOptions.Resume"/>), and the progress display. Disposing it frees the copy of the best weights.
/// </summary>
sealed class TrainingBookkeeping : IDisposable
{
    readonly nn.Module model;
    readonly optim.Optimizer optimizer;
    readonly TrainerOptions options;
    readonly string monitor;
    readonly IProgress<TrainingUpdate> progress;
    readonly EarlyStopping early;
    WeightSnapshot? best;

    public TrainingHistory History { get; }

    /// <summary>The first epoch still to run: 1, or the one after a resumed checkpoint's last.</summary>
    public int NextEpoch => History.Epochs.Count + 1;

    /// <summary>True once early stopping's patience has run out.</summary>
    public bool ShouldStop => early.ShouldStop;

    /// <summary>Starts the record of a run; with <see cref="TrainerOptions.Resume"/> and an existing checkpoint, continues it.</summary>
    public TrainingBookkeeping(nn.Module model, optim.Optimizer optimizer, TrainerOptions options, string monitor)
    {
        this.model = model;
        this.optimizer = optimizer;
        this.options = options;
        this.monitor = monitor;
        progress = options.Progress ?? TrainingProgress.Auto();
        early = new EarlyStopping(monitor, options.Maximize, options.Patience, options.MinImprovement);
        History = new TrainingHistory { Monitor = monitor, Maximize = options.Maximize };
        if (options.Resume && File.Exists(options.CheckpointPath)) Resume();
    }

    void Resume()
    {
        var (metadata, savedBest) = Checkpoint.Load(options.CheckpointPath!, model, optimizer);
        best = savedBest;
        foreach (var record in metadata.History) History.Add(record);
        early.Load(metadata.EarlyStopping);
        History.ResumedEpochs = metadata.CompletedEpochs;
        UpdateBest();
        History.StoppedEarly = early.ShouldStop && History.Epochs.Count < options.Epochs; // the saved run may have stopped already
        progress.Report(new TrainingUpdate(null, options.Epochs, History,
            $"resumed from {options.CheckpointPath} after epoch {metadata.CompletedEpochs}"));
    }

    /// <summary>After an epoch: record it, track the best epoch (and its weights), save the checkpoint, report progress.</summary>
    public void EndEpoch(EpochRecord record)
    {
        int epoch = record.Epoch;
        History.Add(record);
        bool improved = early.Observe(epoch, record.Get(monitor));
        if (improved && options.RestoreBest)
        {
            best?.Dispose();
            best = WeightSnapshot.Capture(model);
        }
        UpdateBest();
        History.StoppedEarly = early.ShouldStop && epoch < options.Epochs;

        if (options.CheckpointPath is not null)
            Checkpoint.Save(options.CheckpointPath, model, optimizer, new Checkpoint.Metadata(
                epoch, Finished: epoch == options.Epochs || early.ShouldStop, optimizer.GetType().Name,
                Checkpoint.ParameterShapes(optimizer), History.Epochs.ToList(), early.Save(), HasBestWeights: best is not null), best);

        progress.Report(new TrainingUpdate(record, options.Epochs, History,
            History.StoppedEarly ? $"stopped early: no {monitor} improvement for {options.Patience} epoch(s)" : null));
    }

    /// <summary>With <see cref="TrainerOptions.RestoreBest"/>: puts the best epoch's weights back when it was not the last.</summary>
    public void RestoreBestIfAsked()
    {
        if (options.RestoreBest && best is not null && early.BestEpoch != History.Epochs.Count)
        {
            best.CopyInto(model);
            History.RestoredBest = true;
            progress.Report(new TrainingUpdate(null, options.Epochs, History,
                $"restored the weights of epoch {early.BestEpoch} ({monitor} {early.BestValue:G4})"));
        }
    }

    void UpdateBest()
    {
        History.BestEpoch = early.BestEpoch;
        History.BestValue = early.BestValue;
    }

    public void Dispose() => best?.Dispose();
}
