using Tutorials.Environment;
using Xunit.Abstractions;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Environment;

/// <summary>
/// The oneDNN fault behind TrainerDeterminismTests' failures on AVX-512, reduced to one operation (measured 2026-12-06,
/// AMD EPYC family 26 "Zen 5" VM, libtorch 2.10 / oneDNN 3.7.1, 2 threads):
/// <list type="bullet">
/// <item>Op: the input gradient (backward data) of a 3×3 stride-1 convolution, 4 × 8 × 8 × 8 → 8 channels, NCHW
/// contiguous: the decoder head of the determinism test's segmenter (decoder width 8). Bisected from the model by
/// running each of its 20 convolution shapes forward and backward 200 times on fixed inputs: only this one differed.</item>
/// <item>Kernel (ONEDNN_VERBOSE=1): <c>jit:avx512_core,backward_data</c>, diff_src/diff_dst <c>aBcd16b</c> padded
/// from 8 channels, weights <c>ABcd16a16b</c>.</item>
/// <item>Frequency: uncapped, the input gradient was wrong (by up to 2) or NaN in 10 of 10 fresh processes (NaN in 2–10 %
/// of 50 repeats per process; in a long-running process, 90–100 % of repeats differed, NaN in 4–40 %); on one thread
/// repeatable but wrong by up to 2.4. Under the AVX2 cap: right and identical, 10 of 10 processes × 50 repeats.</item>
/// <item>Cause: the VM answers CPUID leaf 0x8000001D with zeros, so oneDNN's Xbyak takes every cache to be 1 byte
/// (<see cref="CpuCacheInfo"/>). In a copy of libtorch whose cache detection reports "unknown" (one byte changed), the
/// uncapped kernels were right on every check. It is not oneDNN issue 6035 (a strided 1×1 backward-weights pass on
/// channels-last input), which this model never runs.</item>
/// </list>
/// The same cause leaves AVX2 kernels wrong for channel counts that are not a multiple of 8 (3×3, 8 → 3 channels:
/// input gradient wrong by 1.55 in every repeat, NaN in some): that case is reported by
/// <see cref="ThisHostsKernelsAreReported"/>, not asserted, because the kit's setting does not cure it on such hosts.
/// </summary>
public class OneDnnConvFaultTests(ITestOutputHelper output)
{
    /// <summary>Under the kit's setting (the test process applied it at start) the reproduction is right and repeats exactly.</summary>
    [Fact]
    public void TheConvolutionInputGradientIsRightAndRepeatsUnderTheKitsSetting()
    {
        int threads = torch.get_num_threads();
        if (threads < 2) torch.set_num_threads(2);   // as in TrainerDeterminismTests; the fault shows on one thread too
        try
        {
            var outcome = ConvGradientCheck.Run(repeats: 30);
            Assert.True(outcome.Correct, $"{outcome.Message} (oneDNN: {OneDnnIsaCap.Message}; CPU caches: {CpuCacheInfo.Read().Message})");
        }
        finally { if (threads < 2) torch.set_num_threads(threads); }
    }

    /// <summary>
    /// Diagnostic: the same checks in processes of their own, uncapped and under the kit's setting, with what this host
    /// reports about its caches. Reports (test output), asserts only that the checks ran.
    /// </summary>
    [Fact]
    public void ThisHostsKernelsAreReported()
    {
        foreach (var (label, isa) in new[] { ("uncapped", "ALL"), ("kit's setting", System.Environment.GetEnvironmentVariable(OneDnnIsaCap.Variable)) })
        {
            var environment = new Dictionary<string, string>();
            if (isa is not null) environment[OneDnnIsaCap.Variable] = isa;
            var run = Repo.Run("dotnet", [Repo.BenchmarksDll, "onednn-check"], Repo.Root, environment, timeoutSeconds: 120);
            var lines = run.Output.Split('\n').Where(l => l.StartsWith("oneDNN") || l.StartsWith("CPU caches") || l.StartsWith("conv ") || l.StartsWith("channels-last")).ToList();
            output.WriteLine($"{label}:\n  " + string.Join("\n  ", lines));
            Assert.True(run.ExitCode == 0 && lines.Count(l => l.StartsWith("conv ")) == 2, run.Output);
        }
    }

    [Fact]
    public void CacheSizesBelowAFewKilobytesMeanTheCpuDidNotReportThem()
    {
        Assert.True(new CpuCacheInfo.Reading("AuthenticAMD", [1, 1, 1]).Broken);
        Assert.False(new CpuCacheInfo.Reading("AuthenticAMD", [48 << 10, 1 << 20, 32 << 20]).Broken);
        Assert.False(new CpuCacheInfo.Reading("GenuineIntel", null).Broken);
        Assert.Contains("not reported", new CpuCacheInfo.Reading("AuthenticAMD", [1, 1, 1]).Message);
    }

    /// <summary>Where oneDNN would size its kernels for 1-byte caches the kit caps it (unless the user chose a level).</summary>
    [Fact]
    public void WhereTheCacheSizesAreMissingTheKitCaps()
    {
        if (!OneDnnIsaCap.Needed(CpuCacheInfo.Read())) return;   // elsewhere the cap is the user's choice (or inherited)
        var message = OneDnnIsaCap.Message;
        Assert.True(message.StartsWith("capped at AVX2") || message.StartsWith("as set by you"), message);
    }
}
