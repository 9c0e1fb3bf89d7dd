using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Environment;

/// <summary>
/// Runs the smallest known case of a libtorch CPU bug and says whether this machine has it: a 1×1 stride-2
/// convolution 256→512 on a 14×14 input, once laid out channels-last and once contiguous (same values, fixed
/// seed). On AMD EPYC CPUs with AVX-512, libtorch 2.10 gives outputs that differ by up to about 1.3 (outputs are
/// about 2.4); on other CPUs they agree to about 1e-5. The kit makes every network input contiguous
/// (<see cref="ConvInput"/>), so its own results are right either way; this check tells a learner whether their
/// own convolution code needs <c>.contiguous()</c>.
/// </summary>
public static class ChannelsLastConvCheck
{
    /// <summary>Largest |difference| counted as float rounding: the outputs are ~1, rounding gives ~1e-5.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>What the check measured.</summary>
    public sealed record Outcome(double MaxAbsDifference, double MaxAbsOutput)
    {
        public bool Correct => MaxAbsDifference <= Tolerance;

        public string Message => Correct
            ? $"correct (channels-last vs contiguous 1×1 stride-2 conv 256→512, 14×14: max |difference| {MaxAbsDifference:0.0e+0})"
            : $"wrong on this CPU (channels-last vs contiguous 1×1 stride-2 conv 256→512, 14×14: max |difference| {MaxAbsDifference:0.00} " +
              $"on outputs up to {MaxAbsOutput:0.00}) — the kit converts inputs to contiguous; your own code should call .contiguous()";
    }

    /// <summary>Runs the case (a few milliseconds) with the given shapes; the defaults are the known-bad case.</summary>
    public static Outcome Run(int inChannels = 256, int outChannels = 512, int side = 14, int stride = 2, int kernel = 1,
        int batch = 1, ScalarType dtype = ScalarType.Float32, long seed = 0)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // A private generator: the check must not move the kit's global seed.
        var generator = new torch.Generator((ulong)seed);
        var x = torch.randn([batch, inChannels, side, side], dtype: dtype, generator: generator);
        var weight = torch.randn([outChannels, inChannels, kernel, kernel], dtype: dtype, generator: generator)
                     / Math.Sqrt(inChannels * kernel * kernel);
        var channelsLast = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2); // strides N, 1, W·C, C
        var expected = nn.functional.conv2d(x, weight, strides: [stride, stride]);
        var actual = nn.functional.conv2d(channelsLast, weight, strides: [stride, stride]);
        return new Outcome((actual - expected).abs().max().ToDouble(), expected.abs().max().ToDouble());
    }
}
