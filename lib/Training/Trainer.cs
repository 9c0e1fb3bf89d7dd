using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Data;
using Tutorials.Environment;
using Tutorials.Freezing;
using static TorchSharp.torch;

namespace Tutorials.Training;

/// <summary>
/// The training loop every notebook shares, in one file: epochs of optimizer steps, then validation, then the
/// epoch's record (<see cref="TrainingHistory"/>) and progress. PyTorch's transfer-learning tutorial writes the same
/// loop as one <c>train_model</c> function; this is that function, with the checks a learner needs.
/// <para>
/// What the caller decides: the model (one nn.Module; wrap several, e.g. image and text encoders, in one container
/// module so they switch between train and eval together), the optimizer (any TorchSharp optimizer, including
/// parameter groups with their own learning rates), the loss of a batch, and the validation metrics.
/// What the trainer decides: modes (train/eval, frozen BatchNorm kept in eval), seeding per epoch, memory (one
/// dispose scope per step), a finite loss, and — with <see cref="TrainerOptions.RestoreBest"/> — putting back the
/// weights of the best validation epoch at the end.
/// </para>
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="model"/> for <see cref="TrainerOptions.Epochs"/> passes over <paramref name="train"/>.
    /// <paramref name="loss"/> maps a batch (the tensors of <paramref name="train"/>, on the training device) to one
    /// number. <paramref name="validate"/>, called after each epoch in eval mode and inference mode (no autograd), returns metrics by
    /// name over the whole validation set (open a dispose scope per batch inside it, e.g. with
    /// <see cref="Evaluation.EvalPass.Mean"/>). Null = no validation: "train_loss" is then monitored.
    /// </summary>
    public static TrainingHistory Fit(nn.Module model, optim.Optimizer optimizer, TensorBatches train,
        Func<Tensor[], Tensor> loss, Func<IReadOnlyDictionary<string, double>>? validate = null, TrainerOptions? options = null)
    {
        options ??= new TrainerOptions();
        options.Validate();
        var device = options.ResolvedDevice;
        RequireModelOn(model, device);
        var history = new TrainingHistory
        {
            Monitor = options.Monitor ?? (validate is null ? TrainingHistory.TrainLossName : "val_loss"),
            Maximize = options.Maximize,
        };
        var progress = options.Progress ?? TrainingProgress.Auto();
        Dictionary<string, Tensor>? bestWeights = null;   // a copy of the best epoch's weights (RestoreBest only)
        double? lastFiniteLoss = null;                     // for the divergence message

        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                // The epoch's randomness (dropout masks, random augmentation) depends on (seed, epoch) only.
                torch.manual_seed(Seeds.ForEpoch(options.Seed, epoch, Seeds.Training));
                Freezer.TrainMode(model); // train(), but frozen BatchNorm stays in eval: its running statistics stay put

                var order = train.Order(epoch);
                double sum = 0;
                for (int step = 1; step <= train.Count; step++)
                {
                    // One step, in one dispose scope: everything it creates (batch, activations, loss, temporaries)
                    // is freed when the scope ends. Without it, memory grows every step until the process runs out.
                    using (var scope = torch.NewDisposeScope())
                    {
                        optimizer.zero_grad();
                        var batch = train.Batch(order, step - 1, device);
                        var value = loss(batch);
                        double v = ScalarOf(value, epoch, step, lastFiniteLoss);
                        value.backward();
                        optimizer.step();
                        lastFiniteLoss = v;
                        sum += v;
                    }
                    FreedMemory.ReturnToSystemIfGrown(); // hand freed heap pages back once they add up (see FreedMemory)
                }

                var metrics = new Dictionary<string, double>();
                if (validate is not null)
                {
                    model.eval();
                    using (torch.inference_mode())   // no autograd, no version counters: only numbers leave it
                        foreach (var (name, value) in validate()) metrics[name] = value;
                }
                var record = new EpochRecord(epoch, sum / train.Count, metrics, clock.Elapsed.TotalSeconds,
                    optimizer.ParamGroups.Select(g => g.LearningRate).ToList());
                history.Add(record);

                if (history.Observe(epoch, record.Get(history.Monitor)) && options.RestoreBest)
                {
                    Release(bestWeights);
                    bestWeights = CopyOfWeights(model);
                }
                progress.Report(new TrainingUpdate(record, options.Epochs, history, null));
            }

            if (bestWeights is not null && history.BestEpoch != history.Epochs.Count)
            {
                using (torch.no_grad())
                    foreach (var (name, t) in model.state_dict()) t.copy_(bestWeights[name]);
                history.RestoredBest = true;
                progress.Report(new TrainingUpdate(null, options.Epochs, history,
                    $"restored the weights of epoch {history.BestEpoch} ({history.Monitor} {history.BestValue:G4})"));
            }
        }
        finally
        {
            Release(bestWeights);
        }
        model.eval(); // ready for inference: dropout off, BatchNorm on its stored statistics
        return history;
    }

    /// <summary>The loss as a .NET double, after checking it is one finite number.</summary>
    static double ScalarOf(Tensor loss, int epoch, int step, double? lastFinite)
    {
        if (loss.numel() != 1)
            throw new ArgumentException(
                $"Expected the loss function to return one number (a mean over the batch), got a tensor of shape " +
                $"[{string.Join(", ", loss.shape)}]. Reduce it, e.g. with .mean().");
        double value = loss.to_type(ScalarType.Float64).item<double>();
        if (!double.IsFinite(value)) throw new NonFiniteLossException(epoch, step, value, lastFinite);
        return value;
    }

    /// <summary>Every weight and buffer (BatchNorm statistics too), copied to the CPU: what RestoreBest puts back.</summary>
    static Dictionary<string, Tensor> CopyOfWeights(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();   // frees the detach()/cpu() intermediates; the copies leave it
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().DetachFromDisposeScope());
    }

    static void Release(Dictionary<string, Tensor>? weights)
    {
        if (weights is null) return;
        foreach (var t in weights.Values) t.Dispose();
        weights.Clear();
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
