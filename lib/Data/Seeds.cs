namespace Tutorials.Data;

/// <summary>
/// Derives the seeds of one epoch from the run's seed. Each epoch gets its own seeds, computed from (seed, epoch)
/// only, never from "whatever the generator was left at": that is what makes a run resumed at epoch 4 draw the same
/// shuffles and dropout masks as a run that never stopped.
/// </summary>
public static class Seeds
{
    /// <summary>Stream for the order of rows (TensorBatches).</summary>
    public const int Shuffling = 1;

    /// <summary>Stream for the global torch generator during training (dropout, random augmentation).</summary>
    public const int Training = 2;

    /// <summary>
    /// A well-mixed 63-bit seed for (<paramref name="seed"/>, <paramref name="epoch"/>, <paramref name="stream"/>).
    /// Why mix instead of <c>seed + epoch</c>: neighbouring seeds would then share most epochs (seed 0 epoch 2 =
    /// seed 1 epoch 1). The SplitMix64 finaliser spreads every input bit over the whole result.
    /// </summary>
    public static long ForEpoch(long seed, int epoch, int stream)
    {
        ulong x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)epoch * 0xBF58476D1CE4E5B9UL + (ulong)stream * 0x94D049BB133111EBUL);
        x ^= x >> 30; x = unchecked(x * 0xBF58476D1CE4E5B9UL);
        x ^= x >> 27; x = unchecked(x * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return (long)(x >> 1); // non-negative: torch.manual_seed takes any long, Generator takes a ulong
    }
}
