using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Training;

/// <summary>
/// The training loop every notebook shares. One epoch = one pass over the training batches (one optimizer step
/// each, <see cref="TrainingStep"/>), then validation, then bookkeeping beside the loop (<see cref="TrainingBookkeeping"/>):
/// history, best epoch, early stopping, checkpoint, progress.
/// <para>
/// The simple case is one line: <c>Trainer.FitClassifier(model, optimizer, train, val, options)</c>.
/// Anything else (segmentation, contrastive pairs, distillation) passes its own loss:
/// <c>Trainer.Fit(model, optimizer, train, batch => myLoss(batch), validate, options)</c>.
/// </para>
/// <para>
/// What the caller decides: the model (one nn.Module; wrap several, e.g. image and text encoders, in one
/// container module so they are saved and switched to train/eval together), the optimizer (any TorchSharp
/// optimizer, including parameter groups with their own learning rates), the loss of a batch, and the metrics.
/// What the trainer decides: modes (train/eval, frozen BatchNorm kept in eval), seeding per epoch, memory
/// (one dispose scope per step), checks (finite loss), and the record keeping.
/// </para>
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains with a custom loss and a validation function that computes its metrics over the whole validation
    /// set at once (needed for metrics that are not batch means, e.g. retrieval recall@k over all image–text pairs).
    /// The trainer calls <paramref name="validate"/> in eval mode without autograd; open a dispose scope per batch
    /// inside it (or use <see cref="TensorBatches.ForEach"/>). Null = no validation: "train_loss" is then monitored.
    /// <para>
    /// This is the loop to read: epochs of steps, then validation. Everything kept <i>about</i> the run (history,
    /// best epoch, early stopping, the best weights, checkpoints, resuming, progress) is in <see cref="TrainingBookkeeping"/>.
    /// </para>
    /// </summary>
    public static TrainingHistory Fit(nn.Module model, optim.Optimizer optimizer, TensorBatches train,
        Func<Tensor[], Tensor> loss, Func<IReadOnlyDictionary<string, double>>? validate = null, TrainerOptions? options = null)
    {
        options ??= new TrainerOptions();
        options.Validate();
        var device = options.ResolvedDevice;
        RequireModelOn(model, device);
        string monitor = options.Monitor ?? (validate is null ? TrainingHistory.TrainLossName : "val_loss");
        var trainable = optimizer.parameters().Where(p => p.requires_grad).ToList();
        using var books = new TrainingBookkeeping(model, optimizer, options, monitor); // resumes from a checkpoint if asked

        double? lastFiniteLoss = null; // for the divergence message, carried across epochs
        for (int epoch = books.NextEpoch; epoch <= options.Epochs && !books.ShouldStop; epoch++)
        {
            var clock = Stopwatch.StartNew();
            // The epoch's randomness (dropout masks, random augmentation) depends on (seed, epoch) only, so a resumed
            // run repeats it exactly without saving the generator's state.
            torch.manual_seed(Seeds.ForEpoch(options.Seed, epoch, Seeds.Training));
            Freezing.TrainMode(model); // train(), but frozen BatchNorm stays in eval so its running statistics stay put

            var order = train.Order(epoch);
            double sum = 0;
            for (int step = 1; step <= train.Count; step++)
            {
                // zero_grad, forward, loss, backward, (clip), step: one dispose scope, a finite loss checked
                double value = TrainingStep.Run(model, optimizer, train, order, step, epoch, loss, trainable, device, options.MaxGradNorm, lastFiniteLoss);
                lastFiniteLoss = value;
                sum += value;
                FreedMemory.ReturnToSystemIfGrown(); // the step's tensors are freed; give their memory back when it adds up (see FreedMemory)
            }

            var metrics = new Dictionary<string, double>();
            if (validate is not null)
            {
                model.eval();
                using (torch.no_grad())
                    foreach (var (name, value) in validate()) metrics[name] = value;
            }
            var learningRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToList();
            books.EndEpoch(new EpochRecord(epoch, sum / train.Count, metrics, clock.Elapsed.TotalSeconds, learningRates));
        }
        books.RestoreBestIfAsked();
        model.eval(); // ready for inference: dropout off, BatchNorm on its stored statistics
        return books.History;
    }

    /// <summary>
    /// Trains a classifier: batches are (inputs, class indices), the loss is cross-entropy, validation reports
    /// <c>val_loss</c> and <c>val_accuracy</c>. Monitor <c>val_accuracy</c> with <c>Maximize = true</c> to pick the best
    /// epoch by accuracy.
    /// </summary>
    public static TrainingHistory FitClassifier(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer,
        TensorBatches train, TensorBatches? validation = null, TrainerOptions? options = null)
    {
        Evaluation.RequireTwoTensors(train.Tensors.ToArray(), "FitClassifier");
        return Fit(model, optimizer, train,
            loss: batch => nn.functional.cross_entropy(model.call(batch[0]), batch[1]),
            validation, perBatchMetrics: validation is null ? null : batch => Evaluation.ClassifierMetrics(model, batch, "val_"),
            options);
    }

    /// <summary>
    /// Trains with a custom loss and metrics that are means over validation batches (loss, accuracy, error).
    /// <paramref name="perBatchMetrics"/> returns scalar tensors by name for one batch, e.g.
    /// <c>b => new() { ["val_loss"] = myLoss(b) }</c>; the trainer averages them over all rows.
    /// </summary>
    public static TrainingHistory Fit(nn.Module model, optim.Optimizer optimizer, TensorBatches train,
        Func<Tensor[], Tensor> loss, TensorBatches? validation, Func<Tensor[], Dictionary<string, Tensor>>? perBatchMetrics,
        TrainerOptions? options = null)
    {
        if ((validation is null) != (perBatchMetrics is null))
            throw new ArgumentException("Expected both validation batches and a per-batch metric function, or neither; got only one.");
        var device = (options ?? new TrainerOptions()).ResolvedDevice;
        Func<IReadOnlyDictionary<string, double>>? validate = validation is null ? null
            : () => Evaluation.Mean(model, validation, perBatchMetrics!, device);
        return Fit(model, optimizer, train, loss, validate, options);
    }

    /// <summary>
    /// The trainer moves batches, never the model: moving it after the optimizer was built would leave the
    /// optimizer holding the old tensors. So the model must already be where training happens.
    /// </summary>
    static void RequireModelOn(nn.Module model, Device device)
    {
        var elsewhere = model.named_parameters().FirstOrDefault(np => !TensorBatches.IsOn(np.parameter, device));
        if (elsewhere.parameter is not null)
            throw new ArgumentException(
                $"Expected the model on {device}, got parameter \"{elsewhere.name}\" on {elsewhere.parameter.device}. " +
                "Call model.to(device) before creating the optimizer (or set TrainerOptions.Device to where the model is).", nameof(model));
    }
}
