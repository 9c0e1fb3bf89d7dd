using Microsoft.ML.OnnxRuntime;
using Tutorials.Pretrained;
using Tutorials.Files;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// Runs the package's own ONNX models with ONNX Runtime: the independent reference the TorchSharp code is checked
/// against. Both models take one image at a time (batch size 1 is fixed in the files).
/// </summary>
sealed class OnnxReference : IDisposable
{
    readonly InferenceSession preprocess = new(PackageFiles.Locate(ImageNetResNet.PackageId, ImageNetResNet.PackageVersion, ImageNetResNet.PreprocessFile));
    readonly InferenceSession resnet = new(PackageFiles.Locate(ImageNetResNet.PackageId, ImageNetResNet.PackageVersion, ImageNetResNet.ModelFile));

    /// <summary>RGB values 0–255 (1, 3, 224, 224) → BGR minus mean image, by ResNetPreprocess.onnx.</summary>
    public float[] Preprocess(float[] rgb255) => Run(preprocess, rgb255);

    /// <summary>Preprocessed input (1, 3, 224, 224) → pooled features (512), by ResNet18.onnx.</summary>
    public float[] Features(float[] preprocessed) => Run(resnet, preprocessed);

    static float[] Run(InferenceSession session, float[] input)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var options = new RunOptions();
        using var outputs = session.Run(options, [session.InputNames[0]], [value], [session.OutputNames[0]]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose()
    {
        preprocess.Dispose();
        resnet.Dispose();
    }
}
