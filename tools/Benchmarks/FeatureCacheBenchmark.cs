using System.Diagnostics;
using TorchSharp;
using Tutorials.Audio;
using Tutorials.Backbones;
using Tutorials.Data;
using Tutorials.Features;
using Tutorials.Fusion;
using Tutorials.Pretrained;
using Tutorials.Training;
using static TorchSharp.torch;

namespace Tutorials.Benchmarks;

/// <summary>
/// Notebook 01's fused head trained the same way twice: (a) on features computed once and cached, (b) running
/// both frozen extractors on every batch of every epoch. Same data, seed, head, optimizer and epochs.
/// </summary>
static class FeatureCacheBenchmark
{
    public static void Run(int perDigit, int epochs)
    {
        var device = Devices.Default;
        var (train, test) = PairedDigits.Load(perDigit, Math.Min(100, perDigit), seed: 0);
        var resnet = ImageNetResNet.Load(device);
        var audio = AudioEncoderLoader.Load(device);
        Freezing.Freeze(resnet); Freezing.Freeze(audio);
        resnet.eval(); audio.eval();
        var preprocess = ImageNetResNet.LoadPreprocess();
        Tensor ImageFeatures(Tensor digits) => resnet.ForwardUntil(preprocess.Apply(
            nn.functional.interpolate(digits, [64, 64], mode: InterpolationMode.Bilinear, align_corners: false)), "layer3").mean([2, 3]);
        Console.WriteLine($"feature-cache benchmark: {train.Count} training and {test.Count} test pairs, {epochs} epochs, device {device.type}, {torch.get_num_threads()} threads");

        // (a) cached: extract once, train on the stored vectors.
        var clock = Stopwatch.StartNew();
        var trainImage = FrozenFeatures.Compute(resnet, ImageFeatures, train.Images, device: device);
        var trainAudio = SpeakerNormalization.Standardize(FrozenFeatures.Compute(audio, w => audio.Features(w), train.Waveforms, device: device).Values);
        var (cachedHead, cachedHistory) = TrainHead(epochs, trainImage.Values.shape[1], trainAudio.shape[1], device,
            new TensorBatches(new[] { trainImage.Values, trainAudio, train.Labels }, 64, shuffle: true, seed: 2),
            batch => (batch[0], batch[1], batch[2]));
        double cachedSeconds = clock.Elapsed.TotalSeconds;

        // (b) not cached: the frozen extractors run inside every training step (still without autograd).
        // Speaker normalisation needs the speaker's statistics; reuse the ones from (a) so both heads see equal inputs.
        var rawAudio = FrozenFeatures.Compute(audio, w => audio.Features(w), train.Waveforms, device: device).Values;
        var mean = rawAudio.mean([0], keepdim: true); var std = rawAudio.std(0, keepdim: true) + 1e-5f;
        clock.Restart();
        var (uncachedHead, _) = TrainHead(epochs, trainImage.Values.shape[1], trainAudio.shape[1], device,
            new TensorBatches(new[] { train.Images, train.Waveforms, train.Labels }, 64, shuffle: true, seed: 2),
            batch =>
            {
                using var noGrad = torch.no_grad();
                return (ImageFeatures(batch[0]), (audio.Features(batch[1]) - mean) / std, batch[2]);
            });
        double uncachedSeconds = clock.Elapsed.TotalSeconds;

        // Both heads on the same held-out test features.
        var testImage = FrozenFeatures.Compute(resnet, ImageFeatures, test.Images, device: device).Values;
        var testAudio = SpeakerNormalization.Standardize(FrozenFeatures.Compute(audio, w => audio.Features(w), test.Waveforms, device: device).Values);
        double Accuracy(ConcatFusionHead head)
        {
            head.eval();
            using var _ = torch.no_grad();
            return head.call(testImage, testAudio).argmax(1).eq(test.Labels).to_type(ScalarType.Float32).mean().item<float>();
        }
        Console.WriteLine($"(a) cached features:         {cachedSeconds,7:0.0} s   test accuracy {Accuracy(cachedHead):0.000}");
        Console.WriteLine($"(b) extractors every epoch:  {uncachedSeconds,7:0.0} s   test accuracy {Accuracy(uncachedHead):0.000}");
        Console.WriteLine($"speed-up: {uncachedSeconds / cachedSeconds:0.0}×");
    }

    static (ConcatFusionHead, TrainingHistory) TrainHead(int epochs, long imageSize, long audioSize, Device device, TensorBatches batches,
        Func<Tensor[], (Tensor image, Tensor audio, Tensor labels)> features)
    {
        Kit.Seed(1);
        var head = new ConcatFusionHead(imageSize, audioSize, classes: 10).to(device);
        var optimizer = optim.Adam(head.parameters(), lr: 1e-3, weight_decay: 1e-4);
        var history = Trainer.Fit(head, optimizer, batches, loss: b =>
        {
            var (image, audio, labels) = features(b);
            return nn.functional.cross_entropy(head.call(image, audio), labels);
        }, validate: null, new TrainerOptions { Epochs = epochs, Seed = 3, Device = device, Progress = TrainingProgress.None });
        return (head, history);
    }
}
