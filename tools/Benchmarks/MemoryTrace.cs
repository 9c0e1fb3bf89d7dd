using System.Diagnostics;
using TorchSharp;
using Tutorials.Environment;
using Tutorials.Freezing;
using Tutorials.Training;

namespace Tutorials.Benchmarks;

/// <summary>
/// Resident memory step by step, in a process of its own: one workload of the vs-pytorch benchmark trained by the
/// kit's trainer (with its heap trims, <see cref="FreedMemory"/>) or by a bare loop (none). Shows whether freed memory
/// stays flat, swings or keeps growing, how often the trainer trims, and what the step after a trim costs. Each line
/// is read when the next step starts: the step's seconds, then resident memory and trims so far after it. Run it alone.
/// </summary>
static class MemoryTrace
{
    public static void Run(string workload, string side, int epochs, int stepsPerEpoch)
    {
        if (workload is not ("segmenter" or "towers") || side is not ("kit" or "bare") || epochs < 1 || stepsPerEpoch < 1)
            throw new ArgumentException($"memory-trace expects --workload segmenter|towers, --side kit|bare, --epochs ≥ 1 and " +
                                        $"--steps ≥ 1; got {workload}, {side}, {epochs}, {stepsPerEpoch}.");
        var w = workload == "towers" ? KitWorkloads.Towers(stepsPerEpoch) : KitWorkloads.Segmenter(stepsPerEpoch);
        Console.WriteLine($"memory-trace: {w.Name}, {side}, {epochs} epochs × {stepsPerEpoch} steps, growth allowed {FreedMemory.Growth >> 20} MB, " +
                          $"huge pages {HugePageTensors.Message}");
        var clock = Stopwatch.StartNew();
        int step = 0;
        double last = 0;
        Func<torch.Tensor[], torch.Tensor> traced = b =>
        {
            double now = clock.Elapsed.TotalSeconds;
            if (step > 0) Console.WriteLine($"  step {step,3}: {now - last:0.000} s, then resident {Resident()} MB, trims {FreedMemory.Trims}");
            last = now; step++;
            return w.Loss(b);
        };
        for (int e = 1; e <= epochs; e++)
        {
            if (side == "kit")
                Trainer.Fit(w.Model, w.Optimizer, w.Batches, traced, null,
                    new TrainerOptions { Epochs = 1, Seed = 0, Device = torch.CPU, Progress = TrainingProgress.None });
            else
            {
                Freezer.TrainMode(w.Model);
                var order = w.Batches.Order(1);
                for (int i = 0; i < w.Batches.Count; i++)
                {
                    using var scope = torch.NewDisposeScope();
                    w.Optimizer.zero_grad();
                    var loss = traced(w.Batches.Batch(order, i));
                    loss.backward();
                    w.Optimizer.step();
                    _ = loss.item<float>();
                }
            }
        }
        Console.WriteLine($"  end: resident {Resident()} MB, trims {FreedMemory.Trims}, {clock.Elapsed.TotalSeconds:0.0} s");
        w.Model.Dispose();
    }

    static long Resident()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1]) * System.Environment.SystemPageSize >> 20;
    }
}
