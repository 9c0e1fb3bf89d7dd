using TorchSharp;

namespace Tutorials.Evaluation;

/// <summary>Seconds per call of a training step, after one warm-up call (the first call pays for allocations).</summary>
public static class StepTimer
{
    /// <summary>Runs <paramref name="step"/> once to warm up, then <paramref name="repeats"/> times, each in its own
    /// dispose scope (no tensor outlives its step); returns the mean wall-clock seconds per call.</summary>
    public static double SecondsPerStep(Action step, int repeats = 2)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), $"Expected at least 1 repeat, got {repeats}.");
        using (torch.NewDisposeScope()) step();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) { using var scope = torch.NewDisposeScope(); step(); }
        return watch.Elapsed.TotalSeconds / repeats;
    }
}
