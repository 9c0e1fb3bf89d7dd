using System.Diagnostics;
using TorchSharp;
using Tutorials.Data;
using Tutorials.Segmentation;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Environment;
using Tutorials.Freezing;

namespace Tutorials.Pretrained;

/// <summary>
/// How the kit's RGB segmenter (model A of notebook 02) is pretrained: the packaged ImageNet ResNet, frozen, with
/// the <see cref="SegmentationDecoder"/> trained on synthetic RGB scenes. Only the decoder learns, so only the decoder
/// differs from what the NuGet package ships, and only the decoder is saved (about 0.4 MB instead of 64 MB).
/// <para>
/// Data: <see cref="SyntheticRgbd.Train"/> with <see cref="Options.DataSeed"/> 3 — the training items, but a scene
/// stream of its own: notebook 02 trains and validates on seed 1's scenes and tests on seed 2's test-item scenes,
/// so model A never sees one of the notebook's scenes, and never a test item. The stream's last
/// <see cref="Options.ValidationScenes"/> scenes are held out and measure the result.
/// </para>
/// <para>
/// Why the backbone can be run once: it is frozen and in eval mode, so its feature maps of a scene never change.
/// They are computed once and the decoder trains on them (deterministic, and minutes instead of tens of minutes).
/// </para>
/// </summary>
public static class RgbSegmenterPretraining
{
    /// <summary>The settings; the defaults made the committed weights (data/pretrained/rgb-segmenter.md).</summary>
    public sealed record Options
    {
        public int TrainScenes { get; init; } = 1600;
        public int ValidationScenes { get; init; } = 256;
        /// <summary>Scene stream of <see cref="SyntheticRgbd.Train"/> (notebook 02 uses 1 and 2: keep them apart).</summary>
        public int DataSeed { get; init; } = 3;
        /// <summary>Decoder initialisation and batch order.</summary>
        public long Seed { get; init; }
        public int Steps { get; init; } = 1200;
        public int BatchSize { get; init; } = 32;
        public double LearningRate { get; init; } = 3e-3;

        public void Validate()
        {
            if (DataSeed is 1 or 2)
                throw new ArgumentException($"DataSeed {DataSeed} is a scene stream of notebook 02 (1: training/validation, 2: test). " +
                                            "Pretrain on a stream of its own, e.g. 3, so model A never sees the notebook's scenes.");
            if (TrainScenes < BatchSize || ValidationScenes < 1 || Steps < 1 || BatchSize < 2 || LearningRate <= 0)
                throw new ArgumentException($"Expected TrainScenes ≥ BatchSize ≥ 2 and positive ValidationScenes, Steps and LearningRate; got {this}.");
        }
    }

    /// <summary>What a run leaves: model A (backbone frozen, eval mode) and its figures on the held-out scenes.</summary>
    public sealed record Result(ResNetSegmenter Model, SegmentationMetrics Validation, double Seconds);

    public static Result Run(Options options, TextWriter? log = null, Device? device = null)
    {
        options.Validate();
        log ??= TextWriter.Null;
        device ??= Devices.Default;
        TorchSharpNativeFix.Apply();
        var clock = Stopwatch.StartNew();

        using var scenes = SyntheticRgbd.Train(options.TrainScenes + options.ValidationScenes, seed: options.DataSeed);
        var preprocess = ImageNetResNet.LoadPreprocess();
        using var images = preprocess.Apply(scenes.Rgb);
        var trainImages = images.narrow(0, 0, options.TrainScenes);
        var trainMasks = scenes.Mask.narrow(0, 0, options.TrainScenes);
        log.WriteLine($"{options.TrainScenes} training and {options.ValidationScenes} held-out scenes (SyntheticRgbd.Train, seed {options.DataSeed}) " +
                      $"in {clock.Elapsed.TotalSeconds:F0} s; {torch.get_num_threads()} threads");

        torch.manual_seed(options.Seed);
        var model = new ResNetSegmenter(ImageNetResNet.Load(), numClasses: SyntheticRgbd.ClassNames.Count).to(device);
        Freezer.Freeze(model.Backbone);
        model.Backbone.eval();

        // The frozen backbone's maps of layer1..layer4, once per scene.
        var features = FeatureMaps(model, trainImages, device);
        log.WriteLine($"backbone features cached in {clock.Elapsed.TotalSeconds:F0} s");

        var decoder = model.Decoder;
        decoder.train();
        var optimizer = optim.Adam(decoder.parameters(), lr: options.LearningRate);
        var schedule = optim.lr_scheduler.OneCycleLR(optimizer, max_lr: options.LearningRate, total_steps: options.Steps);
        var order = new Generator((ulong)options.Seed + 17);
        double lossSum = 0; int lossCount = 0;
        for (int step = 1; step <= options.Steps; step++)
        {
            using var scope = torch.NewDisposeScope();   // one scope per step: its tensors are freed at the end
            var idx = torch.randint(options.TrainScenes, [options.BatchSize], generator: order, dtype: ScalarType.Int64);
            var maps = features.Select(f => f.index_select(0, idx).to(device)).ToList();
            var target = trainMasks.index_select(0, idx).to(device);
            var loss = nn.functional.cross_entropy(decoder.forward(maps), target);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            schedule.step();
            lossSum += loss.item<float>(); lossCount++;
            if (step % 100 == 0 || step == options.Steps)
            {
                log.WriteLine($"step {step,5}/{options.Steps}  loss {lossSum / lossCount:F4}  {clock.Elapsed.TotalSeconds,5:F0} s");
                lossSum = 0; lossCount = 0;
            }
        }
        optimizer.Dispose();
        foreach (var f in features) f.Dispose();
        model.eval();

        var held = scenes.Slice(options.TrainScenes, options.ValidationScenes);
        var validation = Evaluate(model, images.narrow(0, options.TrainScenes, options.ValidationScenes), held, device);
        return new Result(model, validation, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Model A alone on <paramref name="scenes"/> (images already preprocessed): mIoU, pixel accuracy, and accuracy
    /// on visible and on hidden (camouflaged) object pixels. Eval mode, no autograd.
    /// </summary>
    public static SegmentationMetrics Evaluate(ResNetSegmenter model, Tensor images, SyntheticRgbdSet scenes, Device? device = null) =>
        SegmentationMetrics.Evaluate(model, b => model.call(b[0]), new TensorBatches(64, images, scenes.Mask, scenes.Hidden),
            SyntheticRgbd.ClassNames, maskIndex: 1, hiddenIndex: 2, device ?? Devices.Default);

    /// <summary>The metrics in the form the tool prints and the provenance file records.</summary>
    public static string Describe(SegmentationMetrics m) =>
        $"mIoU {m.MeanIoU:F4}  pixel accuracy {m.PixelAccuracy:F4}  visible-object accuracy {m.VisibleAccuracy:F4}  " +
        $"hidden-object accuracy {m.HiddenAccuracy:F4}  IoU per class {string.Join(" / ", m.IoU.Select(v => v.ToString("F4")))}";

    static List<Tensor> FeatureMaps(ResNetSegmenter model, Tensor images, Device device)
    {
        var chunks = new List<Tensor[]>();
        using (torch.no_grad())
            for (long start = 0; start < images.shape[0]; start += 64)
            {
                using var scope = torch.NewDisposeScope();
                var maps = model.FeatureMapsUpTo(images.narrow(0, start, Math.Min(64, images.shape[0] - start)).to(device), "layer4");
                chunks.Add(new[] { "layer1", "layer2", "layer3", "layer4" }.Select(s => maps[s].cpu().MoveToOuterDisposeScope()).ToArray());
            }
        var all = Enumerable.Range(0, 4).Select(i => torch.cat(chunks.Select(c => c[i]).ToArray(), 0)).ToList();
        foreach (var c in chunks) foreach (var t in c) t.Dispose();
        return all;
    }
}
