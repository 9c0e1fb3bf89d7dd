using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Evaluation;

/// <summary>
/// What a combination costs when it predicts: parameters to store and time per batch. An ensemble of two models
/// costs two forward passes; a weight-averaged or distilled model costs one.
/// </summary>
public static class InferenceCost
{
    /// <summary>Median wall time in milliseconds of <paramref name="forward"/> (one batch), without autograd, after one warm-up call.</summary>
    public static double MillisecondsPerBatch(Func<Tensor> forward, int repeats = 5)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), $"Expected at least 1 repeat, got {repeats}.");
        using var noGrad = torch.no_grad();
        var times = new List<double>();
        for (int i = 0; i <= repeats; i++)
        {
            using var scope = torch.NewDisposeScope();
            var clock = Stopwatch.StartNew();
            forward();
            if (i > 0) times.Add(clock.Elapsed.TotalMilliseconds);   // call 0 is the warm-up
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Total number of parameters (trainable or not) of the models a prediction needs.</summary>
    public static long Parameters(params nn.Module[] models) => models.Sum(m => m.parameters().Sum(p => p.numel()));
}
