using Microsoft.Data.Analysis;
using TorchSharp.Modules;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Contrastive;
using Tutorials.Environment;
using Tutorials.Evaluation;
using Tutorials.Freezing;
using Tutorials.Losses;

namespace Tutorials.Notebooks;

/// <summary>
/// What unfreezing costs in notebook 03: one training step (forward, backward) of the top layers on cached inputs,
/// against the same step through both full encoders from pixels and tokens (<see cref="FullFineTuneStep"/>), and the
/// trainable parameters (and Adam's memory for them) of three setups.
/// </summary>
/// <param name="Batch">Pairs per timed step.</param>
/// <param name="TopLayersStepSeconds">Seconds per step, top layers + heads on cached inputs (this notebook's setup).</param>
/// <param name="FullStepSeconds">Seconds per step, both full encoders, nothing frozen or cached.</param>
/// <param name="Trainable">Trainable parameters of: heads only, top layers + heads, full fine-tuning.</param>
public sealed record UnfreezingCost(int Batch, double TopLayersStepSeconds, double FullStepSeconds, long[] Trainable)
{
    static readonly string[] Setups = ["heads only (encoders frozen)", "top layers + heads (this notebook)", "full fine-tuning"];

    /// <summary>
    /// Times both steps on the first <paramref name="batch"/> training pairs (the model is left in eval mode) and
    /// counts the parameters. <paramref name="grayImages"/> / <paramref name="captions"/> feed the full step.
    /// </summary>
    public static UnfreezingCost Measure(ContrastiveModel model, FrozenTowerInputs inputs, Tensor grayImages, IReadOnlyList<string> captions,
        Device device, int batch, int repeats)
    {
        static long Count(IEnumerable<Parameter> ps) => ps.Sum(p => p.numel());
        var (maps, text) = (inputs.TrainImages.narrow(0, 0, batch), inputs.Tuned.Train);
        Freezer.TrainMode(model);
        double top = StepTimer.SecondsPerStep(() => ContrastiveLosses.InfoNce(model.Image.call(maps),
            model.Text.call(text.Hidden.narrow(0, 0, batch), text.Mask.narrow(0, 0, batch)), model.LogitScale).backward(), repeats);
        model.eval();
        model.zero_grad();
        double full = FullFineTuneStep.Seconds(grayImages, captions, device, batch, repeats);
        FreedMemory.ReturnToSystem();   // the full step's two encoders and activations are freed; give their pages back
        long all = Count(model.Image.Backbone.parameters()) + Count(model.Text.Bert.parameters()), heads = Count(model.HeadParameters());
        return new UnfreezingCost(batch, top, full, [heads, Count(model.EncoderParameters()) + heads, all + heads]);
    }

    /// <summary>Per setup: trainable parameters and Adam's memory for them (weights, two moments: 3 × 4 bytes each).</summary>
    public DataFrame Table() => new(
        new StringDataFrameColumn("setup", Setups),
        new Int64DataFrameColumn("trainable parameters", Trainable),
        new DoubleDataFrameColumn("Adam state (MB)", Trainable.Select(n => 3.0 * 4 * n / 1e6)));

    public override string ToString() =>
        $"time per step (batch {Batch}): top layers on cached inputs {TopLayersStepSeconds:F2} s; both full encoders {FullStepSeconds:F2} s ({FullStepSeconds / TopLayersStepSeconds:F1}×)";
}
