using TorchSharp;
using Tutorials.Pretrained;
using static TorchSharp.torch;
using Tutorials.Evaluation;

// Scaffolding for notebook 03 (03-contrastive-shared-space): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// The cost of the setup a notebook does <i>not</i> use: one training step (forward, backward) through both full
/// pretrained encoders, from pixels and from tokens, with nothing frozen and nothing cached.
/// </summary>
public static class FullFineTuneStep
{
    /// <summary>Seconds per step for <paramref name="batch"/> gray images (N, 28, 28, bytes) resized to
    /// <paramref name="side"/> px and as many captions (see <see cref="StepTimer"/>).</summary>
    public static double Seconds(Tensor grayImages, IReadOnlyList<string> captions, Device device, int batch, int repeats = 2, int side = 64)
    {
        if (grayImages.dim() != 3 || grayImages.shape[0] < batch || captions.Count < batch)
            throw new ArgumentException($"Expected at least {batch} gray images (N, H, W) and captions, got ({string.Join(", ", grayImages.shape)}) and {captions.Count}.");
        using var image = ImageNetResNet.Load(device);
        using var text = MiniLm.Load(device);
        image.train(); text.train();
        using var scope = torch.NewDisposeScope();
        var pixels = grayImages.narrow(0, 0, batch).to(device).to_type(ScalarType.Float32).div(255f).unsqueeze(1);
        var input = ImageNetResNet.LoadPreprocess().Apply(nn.functional.interpolate(pixels, new long[] { side, side }, mode: InterpolationMode.Bilinear).clamp(0, 1));
        var some = captions.Take(batch).ToList();
        return StepTimer.SecondsPerStep(() =>
        {
            using var tokens = text.Tokenizer.EncodeBatch(some, device);
            (image.call(input).mean() + text.call(tokens).mean()).backward();
        }, repeats);
    }
}
