using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Audio;

/// <summary>
/// SpecAugment-style masking on log-mel spectrograms [batch, mels, frames]: one band of up to
/// <see cref="MaxMelBands"/> mel bands and one span of up to <see cref="MaxFrames"/> frames per clip are set to
/// the clip's mean, so the network cannot lean on any single band or moment. Seeded, torch operations only.
/// </summary>
public sealed class SpecAugment
{
    public int MaxMelBands { get; init; } = 6;
    public int MaxFrames { get; init; } = 15;

    readonly torch.Generator generator;

    public SpecAugment(long seed) => generator = new torch.Generator((ulong)seed);

    public Tensor Apply(Tensor spec)
    {
        if (spec.dim() != 3)
            throw new ArgumentException($"SpecAugment expects [batch, mels, frames], got [{string.Join(", ", spec.shape)}].", nameof(spec));
        using var scope = torch.NewDisposeScope();
        long b = spec.shape[0], mels = spec.shape[1], frames = spec.shape[2];
        var melMask = Span(b, mels, MaxMelBands).unsqueeze(2);   // [b, mels, 1]
        var timeMask = Span(b, frames, MaxFrames).unsqueeze(1);  // [b, 1, frames]
        var masked = torch.logical_or(melMask, timeMask);
        var fill = spec.mean(new long[] { 1, 2 }, keepdim: true).expand_as(spec);
        return torch.where(masked, fill, spec).MoveToOuterDisposeScope();
    }

    /// <summary>[b, length] booleans, true on one random span of width 0..maxWidth per row.</summary>
    Tensor Span(long b, long length, int maxWidth)
    {
        var width = (torch.rand(new long[] { b, 1 }, generator: generator) * (maxWidth + 1)).floor();
        var start = (torch.rand(new long[] { b, 1 }, generator: generator) * (length - width)).floor();
        var pos = torch.arange(length, dtype: ScalarType.Float32).unsqueeze(0);
        return (pos >= start) & (pos < start + width);
    }
}
