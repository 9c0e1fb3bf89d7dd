using System.Globalization;

namespace Tutorials.Training;

/// <summary>
/// Training diverged: a step's loss was NaN or infinite. The trainer stops at the first such step, because every
/// step after it would only spread NaN through the weights. The message says where it happened and what to try.
/// </summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>1-based epoch and step (within the epoch) of the bad loss.</summary>
    public int Epoch { get; }
    public int Step { get; }

    /// <summary>The bad value (NaN, +∞ or −∞).</summary>
    public double Loss { get; }

    /// <summary>The last finite loss before it, or null when the very first step failed.</summary>
    public double? LastFiniteLoss { get; }

    public NonFiniteLossException(int epoch, int step, double loss, double? lastFiniteLoss)
        : base(Describe(epoch, step, loss, lastFiniteLoss))
    {
        Epoch = epoch;
        Step = step;
        Loss = loss;
        LastFiniteLoss = lastFiniteLoss;
    }

    static string Describe(int epoch, int step, double loss, double? last)
    {
        var c = CultureInfo.InvariantCulture;
        var before = last is { } l
            ? $"The last finite loss was {l.ToString("G6", c)}; a loss that grew fast before this points to a learning rate that is too high."
            : "It was the first step, so the inputs, the targets or the loss function itself produce it (a NaN in the data, log of 0, division by 0).";
        return $"The training loss became {loss.ToString(c)} at epoch {epoch}, step {step}; expected a finite number. {before} " +
               "What to try: lower the learning rate (e.g. by 10x), set TrainerOptions.MaxGradNorm (e.g. 1.0) to clip gradients, " +
               "and check the inputs and targets for NaN or infinite values (tensor.isnan().any(), tensor.isinf().any()).";
    }
}
