using System.Diagnostics;
using TorchSharp;
using Tutorials.Data;
using Tutorials.Fusion;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Environment;
using Tutorials.Notebooks;

namespace Tutorials.Benchmarks;

/// <summary>
/// Notebook 01's fused head trained the same way twice: (a) on features computed once and cached, (b) running
/// both frozen extractors on every batch of every epoch. Same data, seed, head, optimizer and epochs
/// (lib/Notebooks/HeadTraining.cs), same extractors (lib/Notebooks/PairedDigitExtractors.cs).
/// </summary>
static class FeatureCacheBenchmark
{
    public static void Run(int perDigit, int epochs)
    {
        var device = Devices.Default;
        var (train, test) = PairedDigits.Load(perDigit, Math.Min(100, perDigit), seed: 0);
        var extractors = PairedDigitExtractors.LoadFrozen(device);
        Console.WriteLine($"feature-cache benchmark: {train.Count} training and {test.Count} test pairs, {epochs} epochs, device {device.type}, {torch.get_num_threads()} threads");

        // (a) cached: extract once, train on the stored vectors.
        var clock = Stopwatch.StartNew();
        using var trainFeatures = PairedDigitFeatures.Compute(extractors, train);
        var (cachedHead, _) = HeadTraining.Train(trainFeatures, validation: null, ["image", "audio"], epochs, device: device, progress: TrainingProgress.None);
        double cachedSeconds = clock.Elapsed.TotalSeconds;

        // (b) not cached: the frozen extractors run inside every training step (still without autograd).
        // Speaker normalisation needs the speaker's statistics; reuse the ones of all training clips, as (a) does.
        using var raw = PairedDigitFeatures.Compute(extractors, train, normalizeSpeaker: false);
        using var mean = raw.Audio.mean([0], keepdim: true);
        using var std = raw.Audio.std(0, keepdim: true) + 1e-5f;
        clock.Restart();
        var uncachedHead = HeadTraining.NewHead(trainFeatures.Declare(["image", "audio"]), seed: 0, device: device);
        using (var optimizer = HeadTraining.NewOptimizer(uncachedHead))
            Trainer.Fit(uncachedHead, optimizer,
                new TensorBatches([train.Images, train.Waveforms, train.Labels], HeadTraining.BatchSize, shuffle: true, seed: HeadTraining.DataOrderSeed(0)),
                loss: b =>
                {
                    Tensor image, audio;
                    using (torch.no_grad()) { image = extractors.ImageFeatures(b[0]); audio = (extractors.AudioFeatures(b[1]) - mean) / std; }
                    return nn.functional.cross_entropy(uncachedHead.call(new Dictionary<string, Tensor> { ["image"] = image, ["audio"] = audio }), b[2]);
                },
                validate: null, new TrainerOptions { Epochs = epochs, Seed = HeadTraining.DropoutSeed(0), Device = device, Progress = TrainingProgress.None });
        double uncachedSeconds = clock.Elapsed.TotalSeconds;

        // Both heads on the same held-out test features.
        using var testFeatures = PairedDigitFeatures.Compute(extractors, test);
        Console.WriteLine($"(a) cached features:         {cachedSeconds,7:0.0} s   test accuracy {HeadTraining.Accuracy(cachedHead, testFeatures, device):0.000}");
        Console.WriteLine($"(b) extractors every epoch:  {uncachedSeconds,7:0.0} s   test accuracy {HeadTraining.Accuracy(uncachedHead, testFeatures, device):0.000}");
        Console.WriteLine($"speed-up: {uncachedSeconds / cachedSeconds:0.0}×");
    }
}
