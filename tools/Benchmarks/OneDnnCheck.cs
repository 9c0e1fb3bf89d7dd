using TorchSharp;
using Tutorials.Environment;

namespace Tutorials.Benchmarks;

/// <summary>
/// The reproduction of oneDNN's convolution fault under whatever setting this process inherited (e.g.
/// <c>ONEDNN_MAX_CPU_ISA=ALL dotnet run --project tools/Benchmarks -c Release -- onednn-check</c>): prints what it finds,
/// always exits 0. OneDnnConvFaultTests runs it uncapped to report whether a host has the fault. With
/// <c>--sweep</c> it also runs <see cref="ConvGradientCheck"/> on 324 shapes (1×1 and 3×3, stride 1 and 2, 3 to 64
/// channels in and out) and lists the wrong ones: about 1 minute.
/// </summary>
static class OneDnnCheck
{
    public static int Run(int repeats, bool sweep)
    {
        if (torch.get_num_threads() < 2) torch.set_num_threads(2);
        Console.WriteLine($"oneDNN: {OneDnnIsaCap.Message}; {torch.get_num_threads()} threads");
        Console.WriteLine($"CPU caches as oneDNN sees them: {CpuCacheInfo.Read().Message}");
        Console.WriteLine($"conv 8→8: {ConvGradientCheck.Run(repeats).Message}");
        Console.WriteLine($"conv 8→3: {ConvGradientCheck.Run(repeats, outChannels: 3).Message}");
        Console.WriteLine($"channels-last: {ChannelsLastConvCheck.Run().Message}");
        if (sweep) Sweep(Math.Min(repeats, 3));
        return 0;
    }

    static void Sweep(int repeats)
    {
        int[] channels = [3, 5, 8, 12, 16, 24, 32, 48, 64];
        int wrong = 0, all = 0;
        foreach (int kernel in new[] { 1, 3 })
        foreach (int stride in new[] { 1, 2 })
        foreach (int inChannels in channels)
        foreach (int outChannels in channels)
        {
            var outcome = ConvGradientCheck.Run(repeats, inChannels, outChannels, kernel: kernel, stride: stride);
            all++;
            if (outcome.Correct) continue;
            wrong++;
            Console.WriteLine($"  {outcome.Message}");
        }
        Console.WriteLine($"sweep: {wrong} of {all} shapes wrong ({repeats} repeats each, 4 × C × 8 × 8 inputs)");
    }
}
