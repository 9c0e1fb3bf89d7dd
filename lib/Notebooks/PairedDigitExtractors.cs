using TorchSharp;
using Tutorials.Audio;
using Tutorials.Backbones;
using Tutorials.Pretrained;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Environment;
using Tutorials.Freezing;

namespace Tutorials.Notebooks;

/// <summary>
/// Notebook 01's two frozen extractors and what each one computes from a paired digit:
/// the ImageNet ResNet up to <c>layer3</c> for the handwritten image, the kit's audio encoder for the recording.
/// Notebooks 01 and 04 and the feature-cache benchmark share this one definition.
/// </summary>
public sealed class PairedDigitExtractors
{
    /// <summary>MNIST digits are 28×28; the ResNet saw photographs, so they are upsampled to this side first.</summary>
    public const int ImageSide = 64;

    /// <summary>The stage whose output is the image feature (on small grey digits it transfers better than layer4).</summary>
    public const string ImageStage = "layer3";

    public ResNetBackbone ResNet { get; }
    public AudioEncoder AudioEncoder { get; }
    public ResNetPreprocess Preprocess { get; }
    public Device Device { get; }

    /// <summary>Wraps two extractors the caller has frozen (no parameter needs gradients) and put in eval mode.</summary>
    public PairedDigitExtractors(ResNetBackbone resnet, AudioEncoder audioEncoder, Device? device = null)
    {
        RequireFrozen(resnet, "the ResNet");
        RequireFrozen(audioEncoder, "the audio encoder");
        ResNet = resnet;
        AudioEncoder = audioEncoder;
        Preprocess = ImageNetResNet.LoadPreprocess();
        Device = device ?? Devices.Default;
    }

    /// <summary>Loads both pretrained extractors, frozen and in eval mode.</summary>
    public static PairedDigitExtractors LoadFrozen(Device? device = null)
    {
        device ??= Devices.Default;
        var resnet = ImageNetResNet.Load(device);
        var audio = AudioEncoderLoader.Load(device);
        Freezer.Freeze(resnet); Freezer.Freeze(audio);
        resnet.eval(); audio.eval();
        return new PairedDigitExtractors(resnet, audio, device);
    }

    /// <summary>Digits (N, 1, 28, 28) in [0, 1] → the ResNet's layer3 feature maps (N, 256, 4, 4).</summary>
    public Tensor Layer3Maps(Tensor digits)
    {
        var upsampled = nn.functional.interpolate(digits, [ImageSide, ImageSide], mode: InterpolationMode.Bilinear, align_corners: false);
        return ResNet.FeatureMapAt(Preprocess.Apply(upsampled), ImageStage);
    }

    /// <summary>Digits → layer3 averaged over space: one 256-number description per image.</summary>
    public Tensor ImageFeatures(Tensor digits) => Layer3Maps(digits).mean([2, 3]);

    /// <summary>Waveforms (N, 8000) → the audio encoder's penultimate features (N, 128).</summary>
    public Tensor AudioFeatures(Tensor waveforms) => AudioEncoder.Features(waveforms);

    static void RequireFrozen(nn.Module module, string what)
    {
        var trainable = module.named_parameters().FirstOrDefault(np => np.parameter.requires_grad);
        if (trainable.parameter is not null)
            throw new ArgumentException(
                $"Expected {what} frozen, got parameter \"{trainable.name}\" with requires_grad = true. " +
                "Set requires_grad = false on every parameter (Freezer.Freeze) and call eval() before caching features.");
    }
}
