using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Audio;

/// <summary>
/// Random, seeded changes to a batch of waveforms [batch, samples], made of torch operations:
/// speed/pitch change and time shift (one resampling with grid_sample), gain, and additive white noise.
/// Speed change also shifts the voice's pitch and formants, a cheap stand-in for "another speaker".
/// Uses its own generator, so the global seed and the augmentation stream do not disturb each other.
/// </summary>
public sealed class WaveformAugment
{
    public double MaxSpeedChange { get; init; } = 0.15;   // speed factor in [1/1.15, 1.15]
    public double MaxShift { get; init; } = 0.15;         // fraction of the clip, either way
    public double MinGainDb { get; init; } = -10;
    public double MaxGainDb { get; init; } = 6;
    public double NoiseProbability { get; init; } = 0.8;
    public double MinSnrDb { get; init; } = 10;
    public double MaxSnrDb { get; init; } = 35;

    readonly torch.Generator generator;

    public WaveformAugment(long seed) => generator = new torch.Generator((ulong)seed);

    /// <summary>A uniform random value per batch row in [lo, hi), shaped [batch, 1].</summary>
    Tensor Uniform(long batch, double lo, double hi) => torch.rand(new long[] { batch, 1 }, generator: generator) * (hi - lo) + lo;

    public Tensor Apply(Tensor waveforms)
    {
        if (waveforms.dim() != 2)
            throw new ArgumentException($"WaveformAugment expects [batch, samples], got [{string.Join(", ", waveforms.shape)}].", nameof(waveforms));
        using var scope = torch.NewDisposeScope();
        long b = waveforms.shape[0], n = waveforms.shape[1];

        // Output sample i reads the input at position speed·x_i + shift (normalised coordinates in [−1, 1]).
        var speed = torch.exp(Uniform(b, -Math.Log(1 + MaxSpeedChange), Math.Log(1 + MaxSpeedChange)));
        var shift = Uniform(b, -2 * MaxShift, 2 * MaxShift);
        var x = (torch.arange(n, dtype: ScalarType.Float32) * 2 + 1) / n - 1;          // pixel centres, [n]
        var src = x.unsqueeze(0) * speed + shift;                                          // [b, n]
        var grid = torch.stack(new[] { src, torch.zeros_like(src) }, dim: -1).view(b, 1, n, 2);
        var moved = nn.functional.grid_sample(waveforms.view(b, 1, 1, n), grid, align_corners: false).view(b, n); // zeros outside

        var gain = torch.pow(10.0, Uniform(b, MinGainDb, MaxGainDb) / 20);
        var y = moved * gain;

        // White noise at a random signal-to-noise ratio, switched on for a random subset of the batch.
        var rms = y.square().mean(new long[] { 1 }, keepdim: true).sqrt() + 1e-8;
        var noiseRms = rms * torch.pow(10.0, -Uniform(b, MinSnrDb, MaxSnrDb) / 20);
        var on = (torch.rand(new long[] { b, 1 }, generator: generator) < NoiseProbability).to(ScalarType.Float32);
        var noise = torch.randn(new long[] { b, n }, generator: generator) * noiseRms * on;
        return (y + noise).clamp(-1, 1).MoveToOuterDisposeScope();
    }
}
