using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Environment;

/// <summary>
/// Runs the smallest known case of the oneDNN fault behind the kit's AVX2 cap and says whether this process has it:
/// one 3×3 convolution (stride 1, padding 1) on a fixed input, forward and backward, repeated on the same tensors,
/// each result compared bit for bit with the first repeat and with a float64 reference (which libtorch computes
/// without oneDNN).
/// <para>
/// The default shape is notebook 02's decoder head at the width of TrainerDeterminismTests' small segmenter:
/// 4 × 8 × 8 × 8 → 8 channels. On an AMD EPYC (Zen 5) VM with <c>ONEDNN_MAX_CPU_ISA=ALL</c> (measured 2026-12-06)
/// its input gradient, computed by oneDNN's <c>jit:avx512_core</c> backward-data kernel on 8 channels padded to 16
/// (<c>aBcd16b</c>), was wrong by up to 2 in every repeat and NaN in 4–40 % of them; on two threads it also differed
/// between repeats. Any 3×3 convolution whose output channels are not a multiple of the kernel's block (16 for
/// AVX-512, 8 for AVX2) had wrong input gradients there, and one with ≥ 8 input channels that are not a multiple
/// of the block a wrong output: so <c>Run(outChannels: 3)</c> shows the fault under the AVX2 cap too.
/// </para>
/// <para>
/// The cause is the host, not the kernels: that VM answers CPUID leaf 0x8000001D (AMD's cache sizes) with zeros, and
/// the Xbyak inside libtorch 2.10's oneDNN 3.7 then takes every cache to be 1 byte (<see cref="CpuCacheInfo"/>); with
/// that one detection changed to "unknown" (oneDNN then uses its default sizes) the same kernels computed every case
/// right. The test suite keeps this check green under the kit's setting (OneDnnConvFaultTests).
/// </para>
/// </summary>
public static class ConvGradientCheck
{
    /// <summary>Largest |difference| from the float64 reference counted as float rounding (values are ~1, rounding ~1e-5).</summary>
    public const double Tolerance = 1e-3;

    /// <summary>What the check measured over its repeats.</summary>
    public sealed record Outcome(string Shape, int Repeats, int Differing, int WithNaN, double MaxAbsError)
    {
        public bool Correct => Differing == 0 && WithNaN == 0 && MaxAbsError <= Tolerance;

        public string Message => Correct
            ? $"correct ({Shape}, {Repeats} repeats: identical, max |error| {MaxAbsError:0.0e+0})"
            : $"wrong ({Shape}, {Repeats} repeats: {Differing} differed from the first, {WithNaN} had NaN, " +
              $"max |error| of the others {MaxAbsError:0.00})";
    }

    /// <summary>Runs the case (a few milliseconds per repeat at the default shape); other shapes for surveys.</summary>
    public static Outcome Run(int repeats = 20, int inChannels = 8, int outChannels = 8, int side = 8, int batch = 4, long seed = 0,
        int kernel = 3, int stride = 1)
    {
        if (repeats < 2) throw new ArgumentException($"Need at least 2 repeats to compare, got {repeats}.", nameof(repeats));
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator((ulong)seed);   // the check must not move the kit's global seed
        var x = torch.randn([batch, inChannels, side, side], generator: generator);
        var w = torch.randn([outChannels, inChannels, kernel, kernel], generator: generator) / Math.Sqrt(inChannels * kernel * kernel);
        int padding = kernel / 2, outSide = (side + 2 * padding - kernel) / stride + 1;
        var upstream = torch.randn([batch, outChannels, outSide, outSide], generator: generator);
        var reference = Pass(x.to_type(ScalarType.Float64), w.to_type(ScalarType.Float64), upstream.to_type(ScalarType.Float64), stride, padding);

        float[][]? first = null;
        int differing = 0, withNaN = 0;
        double maxError = 0;
        for (int i = 0; i < repeats; i++)
        {
            using var inner = torch.NewDisposeScope();
            var got = Pass(x, w, upstream, stride, padding);
            if (got.Any(t => t.isnan().any().ToBoolean())) withNaN++;
            else maxError = Math.Max(maxError, got.Zip(reference, (g, r) => (g.to_type(ScalarType.Float64) - r).abs().max().ToDouble()).Max());
            var values = got.Select(t => t.contiguous().data<float>().ToArray()).ToArray();
            if (first is null) first = values;
            else if (!values.Zip(first, SameBits).All(same => same)) differing++;
        }
        var shape = $"{kernel}×{kernel}" + (stride == 1 ? "" : $" stride-{stride}") + $" conv {batch}×{inChannels}×{side}×{side} → {outChannels} channels";
        return new Outcome($"{shape}, forward + backward", repeats, differing, withNaN, maxError);
    }

    /// <summary>Output, input gradient and weight gradient of one forward and backward pass.</summary>
    static Tensor[] Pass(Tensor x, Tensor w, Tensor upstream, int stride, int padding)
    {
        var input = x.clone().requires_grad_(true);
        var weight = w.clone().requires_grad_(true);
        var output = nn.functional.conv2d(input, weight, strides: [stride, stride], padding: [padding, padding]);
        output.backward([upstream]);
        return [output.detach(), input.grad!, weight.grad!];
    }

    static bool SameBits(float[] a, float[] b) =>
        a.Length == b.Length && a.Select(BitConverter.SingleToInt32Bits).SequenceEqual(b.Select(BitConverter.SingleToInt32Bits));
}
