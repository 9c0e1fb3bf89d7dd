using TorchSharp;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Contrastive;
using Tutorials.Data;
using Tutorials.Environment;

namespace Tutorials.Notebooks;

/// <summary>
/// One contrastive training run of notebook 03 on the cached inputs: shuffled batches of 64 pairs (layer3 maps,
/// caption states and masks, content keys), the given loss on the two towers' embeddings, validation recall@1 in
/// both directions after each epoch, and the best epoch's weights kept (the test set is not looked at).
/// </summary>
public static class ContrastiveTraining
{
    /// <summary>Name of the validation metric the trainer selects the epoch by: mean of image→text and text→image R@1.</summary>
    public const string Monitor = "val_mean_r1";

    /// <param name="model">The two towers (trained in place; ends with the best epoch's weights).</param>
    /// <param name="newOptimizer">Makes the model's optimizer. Fit creates it and so owns it: it is disposed when training
    /// ends (Adam's state freed now, not at the next GC); an optimizer the caller made stays the caller's.</param>
    /// <param name="loss">(image embeddings, text embeddings, content keys) of a batch → the loss.</param>
    /// <param name="inputs">The cached inputs; the text cache that fits the model's text tower is used.</param>
    /// <param name="epochs">Passes over the training pairs.</param>
    /// <param name="seed">Seeds the batch order (and the trainer).</param>
    /// <param name="device">Where to train (default: the kit's device).</param>
    /// <param name="batchSize">Pairs per batch (the last partial batch is dropped).</param>
    public static TrainingHistory Fit(ContrastiveModel model, Func<ContrastiveModel, optim.Optimizer> newOptimizer,
        Func<Tensor, Tensor, Tensor, Tensor> loss,
        FrozenTowerInputs inputs, int epochs, long seed, Device? device = null, int batchSize = 64)
    {
        var text = inputs.For(model);
        var batches = new TensorBatches(new[] { inputs.TrainImages, text.Train.Hidden, text.Train.Mask, inputs.TrainKeys },
            batchSize, shuffle: true, seed: seed, dropLast: true);
        Func<IReadOnlyDictionary<string, double>> validate = () =>
        {
            var (img, txt) = model.EmbedAll(inputs.ValidationImages, text.Validation);
            using (img) using (txt)
            {
                var s = Retrieval.Evaluate(img, txt, inputs.ValidationKeys, inputs.ValidationKeys);
                return new Dictionary<string, double> { [Monitor] = (s.ImageToText.R1 + s.TextToImage.R1) / 2 };
            }
        };
        var optimizer = newOptimizer(model);
        try
        {
            return Trainer.Fit(model, optimizer, batches, b => loss(model.Image.call(b[0]), model.Text.call(b[1], b[2]), b[3]), validate,
                new TrainerOptions { Epochs = epochs, Seed = seed, Monitor = Monitor, Maximize = true, RestoreBest = true, Device = device });
        }
        finally
        {
            (optimizer as IDisposable)?.Dispose();
            FreedMemory.ReturnToSystem();   // Adam's state and the last validation's temporaries: freed, now returned
        }
    }
}
