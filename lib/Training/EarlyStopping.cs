namespace Tutorials.Training;

/// <summary>
/// Tracks the best epoch of a monitored metric and says when to stop: after <see cref="Patience"/> epochs in a row
/// without an improvement of more than <see cref="MinImprovement"/>. Why stop early: once the validation metric
/// stops improving, further epochs mostly fit the training set's noise (overfitting) and cost time.
/// </summary>
public sealed class EarlyStopping
{
    public string Monitor { get; }
    public bool Maximize { get; }
    public double MinImprovement { get; }

    /// <summary>Epochs without improvement allowed before stopping; null = never stop (the best epoch is still tracked).</summary>
    public int? Patience { get; }

    /// <summary>The state that a checkpoint saves, so a resumed run keeps counting where it left off.</summary>
    public sealed record State(int BestEpoch, double BestValue, int EpochsWithoutImprovement);

    /// <summary>Best epoch so far (1-based; 0 before the first epoch).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The monitored value at <see cref="BestEpoch"/> (NaN before the first epoch).</summary>
    public double BestValue { get; private set; } = double.NaN;

    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>True once patience has run out.</summary>
    public bool ShouldStop => Patience is { } p && EpochsWithoutImprovement >= p;

    public EarlyStopping(string monitor, bool maximize, int? patience = null, double minImprovement = 0)
    {
        Monitor = monitor;
        Maximize = maximize;
        Patience = patience;
        MinImprovement = minImprovement;
    }

    /// <summary>Records the monitored value of <paramref name="epoch"/>; returns true when it is a new best.</summary>
    public bool Observe(int epoch, double value)
    {
        // A NaN metric is never "better": comparisons with NaN are false, so it counts as no improvement.
        bool first = BestEpoch == 0 && !double.IsNaN(value);
        bool better = Maximize ? value > BestValue + MinImprovement : value < BestValue - MinImprovement;
        if (first || better)
        {
            BestEpoch = epoch;
            BestValue = value;
            EpochsWithoutImprovement = 0;
            return true;
        }
        EpochsWithoutImprovement++;
        return false;
    }

    public State Save() => new(BestEpoch, BestValue, EpochsWithoutImprovement);

    public void Load(State state)
    {
        BestEpoch = state.BestEpoch;
        BestValue = state.BestValue;
        EpochsWithoutImprovement = state.EpochsWithoutImprovement;
    }
}
