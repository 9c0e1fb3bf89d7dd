using TorchSharp.Modules;
using Tutorials.Audio;
using Tutorials.Backbones;
using Tutorials.Contrastive;
using Tutorials.Fusion;
using Tutorials.Pretrained;
using Tutorials.Segmentation;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// A tensor's memory layout must never change a kit network's result. On some CPUs (AMD EPYC with AVX-512)
/// libtorch 2.10 has computed a channels-last 1×1 stride-2 convolution wrongly, so every network makes its input
/// contiguous where it enters (<see cref="ConvInput"/>). Two kinds of test, because a CPU that computes both
/// layouts correctly would hide a missing conversion:
/// <list type="bullet">
/// <item>the same values laid out channels-last give the same output as contiguous (≤ 1e-4);</item>
/// <item>the layout itself: every convolution the forward pass reaches through <c>call</c> (the stem, each
/// stage's projection shortcut, the depth branch, the bridge, the decoder, the audio blocks) gets a contiguous
/// tensor, watched with forward pre-hooks.</item>
/// </list>
/// </summary>
[Collection(PretrainedResNetCollection.Name)]
public class MemoryLayoutTests(PretrainedResNetFixture fixture)
{
    const float Tolerance = 1e-4f;

    /// <summary>
    /// The same values with channels-last strides (N, 1, W·C, C), as permuting H×W×C pixels gives. With one channel
    /// that layout is also contiguous, so single-channel maps are stored column by column instead.
    /// </summary>
    static Tensor ChannelsLast(Tensor x)
    {
        var y = x.shape[1] == 1
            ? x.transpose(2, 3).contiguous().transpose(2, 3)
            : x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Assert.False(y.is_contiguous(), "the test input must really be channels-last");
        return y;
    }

    /// <summary>Records, for every convolution (and audio conv block) reached through call, whether its input was contiguous.</summary>
    sealed class LayoutWatch : IDisposable
    {
        readonly List<Action> removers = [];
        public readonly List<(string Module, bool Contiguous)> Seen = [];

        public LayoutWatch(nn.Module network)
        {
            foreach (var (name, module) in network.named_modules())
                if (module is Conv2d or ConvBlock)
                {
                    var hookable = (nn.Module<Tensor, Tensor>)module;
                    var hook = hookable.register_forward_pre_hook((_, input) =>
                    {
                        Seen.Add((name, input.is_contiguous()));
                        return input;
                    });
                    removers.Add(hook.remove);
                }
        }

        /// <summary>Asserts that the listed modules were reached and that no watched module got a non-contiguous input.</summary>
        public void AssertAllContiguous(params string[] mustBeReached)
        {
            foreach (var name in mustBeReached)
                Assert.True(Seen.Any(s => s.Module == name), $"{name} was not reached; reached: {string.Join(", ", Seen.Select(s => s.Module).Distinct())}");
            var bad = Seen.Where(s => !s.Contiguous).Select(s => s.Module).Distinct().ToList();
            Assert.True(bad.Count == 0, $"non-contiguous input reached: {string.Join(", ", bad)}");
        }

        public void Dispose() { foreach (var remove in removers) remove(); }
    }

    static float MaxDiff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();

    [Fact]
    public void PreprocessingRawBytesGivesAContiguousTensor()
    {
        using var scope = torch.NewDisposeScope();
        var image = Ppm.Photo("chelsea");
        // Bytes are height-width-channel: the permute to (N, C, H, W) alone would be channels-last.
        var input = fixture.Preprocess.Apply(image.Rgb, image.Height, image.Width);
        Assert.True(input.is_contiguous(), $"strides ({string.Join(", ", input.stride())})");
        var fromTensor = fixture.Preprocess.Apply(torch.tensor(image.Rgb, [1, image.Height, image.Width, 3], ScalarType.Byte));
        Assert.True(fromTensor.is_contiguous());
    }

    [Fact]
    public void PretrainedResNetGivesTheSameFeaturesAndStagesForEitherLayout()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var photo in Ppm.PhotoNames)
        {
            var image = Ppm.Photo(photo);
            var input = fixture.Preprocess.Apply(image.Rgb, image.Height, image.Width).contiguous();
            var expected = fixture.Backbone.forward(input);
            Assert.True(MaxDiff(fixture.Backbone.forward(ChannelsLast(input)), expected) <= Tolerance, $"{photo}: forward");

            var stages = fixture.Backbone.FeatureMaps(input);
            var stagesCl = fixture.Backbone.FeatureMaps(ChannelsLast(input));
            foreach (var stage in ResNetBackbone.StageNames)
                Assert.True(MaxDiff(stagesCl[stage], stages[stage]) <= Tolerance, $"{photo}: {stage}");
            // Continuing from a channels-last layer3 map: layer4 starts with the 1×1 stride-2 projection conv 256→512.
            var fromLayer3 = fixture.Backbone.PooledFeaturesFrom("layer3", ChannelsLast(stages["layer3"]));
            Assert.True(MaxDiff(fromLayer3, expected) <= Tolerance, $"{photo}: PooledFeaturesFrom(layer3)");
        }
    }

    [Fact]
    public void PretrainedResNetConvolutionsOnlySeeContiguousInputs()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var watch = new LayoutWatch(fixture.Backbone);
        var image = Ppm.Photo("rocket");
        var input = ChannelsLast(fixture.Preprocess.Apply(image.Rgb, image.Height, image.Width));
        var layer3 = ChannelsLast(fixture.Backbone.FeatureMapAt(input, "layer3"));
        fixture.Backbone.forward(input);
        fixture.Backbone.FeatureMaps(input);
        fixture.Backbone.PooledFeaturesFrom("layer3", layer3);
        watch.AssertAllContiguous("conv1", "layer2.0.downsample.0", "layer3.0.downsample.0", "layer4.0.downsample.0");
    }

    [Fact]
    public void SegmentersGiveTheSameScoresForEitherLayoutAndConvolveContiguousInputs()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.manual_seed(0);
        var backbone = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
        using var model = new RgbdSegmenter(new ResNetSegmenter(backbone, numClasses: 3, decoderWidth: 8), "layer2", FusionMode.Gated);
        model.eval();
        var images = torch.randn(2, 3, 64, 64);
        var depth = torch.rand(2, 1, 64, 64);
        // Make the bridge's output conv non-zero, so that the depth path really changes the scores.
        foreach (var (name, p) in model.named_parameters())
            if (name.StartsWith("bridge.output")) p.normal_(0, 0.1);

        var rgbOnly = model.Rgb.forward(images);
        var fused = model.forward(images, depth);
        using (var watch = new LayoutWatch(model))
        {
            Assert.True(MaxDiff(model.Rgb.forward(ChannelsLast(images)), rgbOnly) <= Tolerance, "ResNetSegmenter");
            Assert.True(MaxDiff(model.forward(ChannelsLast(images), ChannelsLast(depth)), fused) <= Tolerance, "RgbdSegmenter");
            // Maps handed over by the caller (e.g. fused elsewhere) go to the decoder and the later stages.
            var maps = model.Rgb.FeatureMapsUpTo(images, "layer2");
            var mapsCl = maps.ToDictionary(kv => kv.Key, kv => ChannelsLast(kv.Value));
            Assert.True(MaxDiff(model.Rgb.ClassScoresFrom("layer2", mapsCl), rgbOnly) <= Tolerance, "ResNetSegmenter.ClassScoresFrom");
            watch.AssertAllContiguous("rgb.backbone.conv1", "rgb.backbone.layer3.0.downsample.0", "depth.layers.down0.conv",
                "bridge.mix.conv", "rgb.decoder.lateral.0", "rgb.decoder.lateral.3");
        }
    }

    [Fact]
    public void DepthBranchAndBridgeGiveTheSameOutputForEitherLayout()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.manual_seed(0);
        using var depthBranch = new DepthBranch(stride: 8, width: 8);
        using var bridge = new FusionBridge(rgbChannels: 16, depthChannels: depthBranch.OutChannels, FusionMode.Concat);
        depthBranch.eval();
        bridge.eval();
        var depth = torch.rand(2, 1, 32, 32);
        var rgb = torch.randn(2, 16, 4, 4);
        var features = depthBranch.forward(depth);
        var fused = bridge.forward(rgb, features);
        using var watchDepth = new LayoutWatch(depthBranch);
        using var watchBridge = new LayoutWatch(bridge);
        Assert.True(MaxDiff(depthBranch.forward(ChannelsLast(depth)), features) <= Tolerance, "DepthBranch");
        Assert.True(MaxDiff(bridge.forward(ChannelsLast(rgb), ChannelsLast(features)), fused) <= Tolerance, "FusionBridge");
        watchDepth.AssertAllContiguous("layers.down0.conv");
        watchBridge.AssertAllContiguous("mix.conv");
    }

    [Fact]
    public void PretrainedAudioEncoderGivesTheSameEmbeddingsForEitherLayout()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var encoder = AudioEncoderLoader.Load();
        encoder.eval();
        torch.manual_seed(0);
        var spec = encoder.LogMelOf(torch.rand(3, AudioEncoder.ClipSamples) * 0.2 - 0.1); // [3, 40, 101]
        var expected = encoder.FeaturesFromLogMel(spec);
        // The same values stored frame-major: (3, 101, 40) transposed back to (3, 40, 101).
        var transposed = spec.transpose(1, 2).contiguous().transpose(1, 2);
        Assert.False(transposed.is_contiguous());
        using var watch = new LayoutWatch(encoder);
        Assert.True(MaxDiff(encoder.FeaturesFromLogMel(transposed), expected) <= Tolerance, "AudioEncoder");
        watch.AssertAllContiguous("block1");
    }

    [Fact]
    public void ImageTowerGivesTheSameEmbeddingsForEitherLayout()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        torch.manual_seed(0);
        var backbone = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
        using var tower = new ImageTower(backbone, new LinearProjection(backbone.FeatureSize, 6));
        tower.eval();
        var maps = torch.randn(2, backbone.ChannelsOf("layer3"), 4, 4).relu();
        var expected = tower.forward(maps);
        using var watch = new LayoutWatch(tower);
        Assert.True(MaxDiff(tower.forward(ChannelsLast(maps)), expected) <= Tolerance, "ImageTower");
        watch.AssertAllContiguous("backbone.layer4.0.downsample.0");
    }
}
