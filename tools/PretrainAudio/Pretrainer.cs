using System.Diagnostics;
using TorchSharp;
using Tutorials.Audio;
using static TorchSharp.torch;
using Tutorials.Backbones;
using Tutorials.Data;

namespace Tutorials.PretrainAudio;

/// <summary>
/// Trains the encoder to tell the pretraining words apart under heavy augmentation. Each recording is its own
/// class (word × speaker set); within one speaker every class has the same voice, so only what is said separates
/// them — the encoder has to learn the sound of words, helped by speed/pitch changes that mimic other voices.
/// </summary>
sealed class Pretrainer(AudioEncoder encoder, IReadOnlyList<SpokenClip> clips, long seed)
{
    public int Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-3;

    readonly WordClassifier model = new(encoder, clips.Count);
    readonly Tensor waveforms = SpokenDigits.Waveforms(clips);

    public void Run(TextWriter log)
    {
        var labels = torch.arange(clips.Count, dtype: ScalarType.Int64);
        var waveAug = new WaveformAugment(seed + 1);
        var specAug = new SpecAugment(seed + 2);
        var order = new torch.Generator((ulong)(seed + 3));
        var optimizer = torch.optim.AdamW(model.parameters(), lr: LearningRate, weight_decay: 1e-4);
        var schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr: LearningRate, total_steps: Steps);

        model.train();
        var clock = Stopwatch.StartNew();
        Tensor permutation = torch.randperm(clips.Count, generator: order);
        int cursor = 0;
        double lossSum = 0; int correct = 0, seen = 0;
        for (int step = 1; step <= Steps; step++)
        {
            using var scope = torch.NewDisposeScope(); // one scope per step: every tensor made here is freed at its end
            if (cursor + BatchSize > clips.Count)
            {
                permutation.Dispose();
                permutation = torch.randperm(clips.Count, generator: order).MoveToOuterDisposeScope();
                cursor = 0;
            }
            var idx = permutation.narrow(0, cursor, BatchSize);
            cursor += BatchSize;

            var x = waveAug.Apply(waveforms.index_select(0, idx));
            var spec = specAug.Apply(encoder.LogMelOf(x));
            var logits = model.forward(spec);
            var target = labels.index_select(0, idx);
            var loss = nn.functional.cross_entropy(logits, target);

            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            schedule.step();

            lossSum += loss.item<float>();
            correct += (int)logits.argmax(1).eq(target).sum().item<long>();
            seen += BatchSize;
            if (step % 100 == 0 || step == Steps)
            {
                log.WriteLine($"step {step,5}/{Steps}  loss {lossSum / (seen / BatchSize):F3}  train acc (augmented) {100.0 * correct / seen,5:F1} %  {clock.Elapsed.TotalSeconds,6:F0} s");
                lossSum = 0; correct = 0; seen = 0;
            }
        }
        permutation.Dispose();
        model.eval();
    }

    /// <summary>Accuracy on freshly augmented copies of the pretraining clips (augmentations never seen in training).</summary>
    public double AugmentedAccuracy(long evalSeed)
    {
        model.eval();
        var augment = new WaveformAugment(evalSeed);
        int correct = 0;
        for (int start = 0; start < clips.Count; start += BatchSize)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            int n = Math.Min(BatchSize, clips.Count - start);
            var x = augment.Apply(waveforms.narrow(0, start, n));
            var predicted = model.forward(encoder.LogMelOf(x)).argmax(1);
            correct += (int)predicted.eq(torch.arange(start, start + n, dtype: ScalarType.Int64)).sum().item<long>();
        }
        return (double)correct / clips.Count;
    }
}
