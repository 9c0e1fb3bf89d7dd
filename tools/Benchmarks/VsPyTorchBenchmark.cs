using Tutorials.Environment;
using System.Diagnostics;
using TorchSharp;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Freezing;

namespace Tutorials.Benchmarks;

/// <summary>
/// How fast is a training step in the kit compared with what a learner would use instead? For notebook 02's RGB+D
/// segmenter step and notebook 03's top-layer tower step, times (a) TorchSharp through the kit's trainer
/// (Trainer.Fit over one epoch of the round's steps), (b) TorchSharp in a bare loop (zero_grad, forward, backward,
/// step in one dispose scope), (c) PyTorch with the same model, batch shapes and optimizer. The three run in turn
/// (the first one rotating), round after round, so a change in machine load hits all of them. Prints medians over
/// rounds; asserts nothing. On a shared or loaded machine the figures are noise: run it alone and give the load.
/// </summary>
static class VsPyTorchBenchmark
{
    public static void Run(int rounds, int stepsPerRound)
    {
        int threads = torch.get_num_threads();
        var script = Path.Combine(RepoRoot(), "scripts", "benchmarks", "vs_pytorch.py");
        using var peer = PyTorchPeer.TryStart(script, threads, stepsPerRound, out var why);
        Console.WriteLine($"vs-pytorch: TorchSharp {Versions.TorchSharp} (libtorch {Versions.LibTorch}) vs PyTorch {peer?.Version ?? "(not available)"}, " +
                          $"{threads} threads each, CPU, {stepsPerRound} steps × {rounds} rounds after one warm-up round, alternating");
        Console.WriteLine($"machine: {System.Environment.ProcessorCount} cores, load average at start {LoadAverage()}");
        Console.WriteLine($"oneDNN instruction set (both sides; PyTorch inherits the variable): {Tutorials.Environment.OneDnnIsaCap.Message}");
        Console.WriteLine($"large tensors on huge pages (TorchSharp; PyTorch inherits {HugePageTensors.Variable}, which versions without " +
                          $"that switch ignore): {HugePageTensors.Message}");
        if (peer is null) Console.WriteLine($"{PyTorchPeer.InstallHint}\n  ({why})");

        var rows = new List<string[]>();
        foreach (var build in new Func<int, Workload>[] { s => KitWorkloads.Segmenter(s), s => KitWorkloads.Towers(s) })
        {
            var w = build(stepsPerRound);
            Console.WriteLine($"\n{w.Name}: {w.Description}");
            var kit = new List<double>(); var bare = new List<double>(); var py = new List<double>();
            int trimsBefore = FreedMemory.Trims, kitSteps = 0;
            for (int round = 0; round <= rounds; round++)
            {
                // The three take turns, and who goes first rotates each round, so neither load drift nor a
                // warm cache favours one of them.
                double k = 0, b = 0; double? p = null;
                var turns = new List<Action> { () => k = KitTrainerStep(w, stepsPerRound), () => b = BareLoopStep(w, stepsPerRound) };
                if (peer is not null) turns.Add(() => p = peer.Round(w.Name));
                for (int t = 0; t < turns.Count; t++) turns[(t + round) % turns.Count]();
                if (round == 0) continue;   // warm-up: first allocations, thread pools, lazy initialisation
                kit.Add(k); bare.Add(b); if (p is double v) py.Add(v);
                kitSteps += stepsPerRound;
                Console.WriteLine($"  round {round}: kit trainer {k:0.000} s, bare loop {b:0.000} s" + (p is double q ? $", PyTorch {q:0.000} s" : "") +
                                  $" per step; this process resident {ResidentMegabytes()} MB");
            }
            Console.WriteLine($"  heap trims by the kit's trainer: {FreedMemory.Trims - trimsBefore} in {kitSteps} measured steps " +
                              $"(plus the warm-up round's; growth allowed {FreedMemory.Growth >> 20} MB)");
            double mk = Median(kit), mb = Median(bare);
            double? mp = py.Count > 0 ? Median(py) : null;
            rows.Add([w.Name, $"{mk:0.000}", $"{mb:0.000}", mp is double m ? $"{m:0.000}" : "—",
                      mp is double r ? $"{mk / r:0.00}×" : "—", mp is double r2 ? $"{mb / r2:0.00}×" : "—", $"{(mk / mb - 1) * 100:+0.0;-0.0} %",
                      $"{(Median(kit.Zip(bare, (k, b) => k / b).ToList()) - 1) * 100:+0.0;-0.0} %"]);
            w.Model.Dispose();
        }

        Console.WriteLine($"\nmedian seconds per training step (load average at end {LoadAverage()}):");
        string[] header = ["workload", "kit trainer", "bare loop", "PyTorch", "kit/PyTorch", "bare/PyTorch", "kit overhead", "paired"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine("  " + string.Join("  ", header.Select((h, i) => h.PadLeft(widths[i]))));
        foreach (var r in rows) Console.WriteLine("  " + string.Join("  ", r.Select((c, i) => c.PadLeft(widths[i]))));
        Console.WriteLine("kit/PyTorch: TorchSharp through the kit's trainer ÷ PyTorch; kit overhead: kit trainer vs bare TorchSharp loop " +
                          "(medians); paired: the median over rounds of each round's kit ÷ bare (the two ran back to back, so a change in " +
                          "machine speed between rounds cancels out).");
    }

    /// <summary>The kit's way: Trainer.Fit over one epoch of the round's batches. Seconds per step, Fit's own work included.</summary>
    static double KitTrainerStep(Workload w, int steps)
    {
        var clock = Stopwatch.StartNew();
        Trainer.Fit(w.Model, w.Optimizer, w.Batches, w.Loss, validate: null,
            new TrainerOptions { Epochs = 1, Seed = 0, Device = torch.CPU, Progress = TrainingProgress.None });
        return clock.Elapsed.TotalSeconds / steps;
    }

    /// <summary>What a learner would write without the kit: the same batches, one dispose scope per step.</summary>
    internal static double BareLoopStep(Workload w, int steps)
    {
        var clock = Stopwatch.StartNew();
        Freezer.TrainMode(w.Model);   // train(), frozen BatchNorm kept in eval (the same modes as the trainer)
        var order = w.Batches.Order(1);
        for (int i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            w.Optimizer.zero_grad();
            var loss = w.Loss(w.Batches.Batch(order, i));
            loss.backward();
            w.Optimizer.step();
            _ = loss.item<float>();
        }
        return clock.Elapsed.TotalSeconds / steps;
    }

    internal static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    static long ResidentMegabytes()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 >> 20;
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    static string RepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Tutorials.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmark from inside the repository (Tutorials.sln not found above the working directory).");
    }
}
