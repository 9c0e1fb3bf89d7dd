using System.Runtime.InteropServices;
using Tutorials.Environment;

namespace Tutorials.Tests.Environment;

/// <summary>
/// The cap must reach the C environment (where oneDNN reads it), not only .NET's copy. Where it is needed (a CPU that
/// reports no cache sizes, see CpuCacheInfo) is shown by OneDnnConvFaultTests,
/// TrainerDeterminismTests.ASeededConvolutionalRunRepeatsExactlyOnTwoThreads and ChannelsLastConvCheck.
/// </summary>
public class OneDnnIsaCapTests
{
    [DllImport("libc.so.6", EntryPoint = "getenv")]
    static extern IntPtr GetEnv(string name);

    [Fact]
    public void TheLevelIsInTheNativeEnvironmentBeforeLibtorchRuns()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        var message = OneDnnIsaCap.Message;   // the test process applied it in its module initializer
        var native = Marshal.PtrToStringAnsi(GetEnv(OneDnnIsaCap.Variable)) ?? Marshal.PtrToStringAnsi(GetEnv("DNNL_MAX_CPU_ISA"));
        if (message.StartsWith("not capped: oneDNN gets usable cache sizes")) return;   // nothing to set on this CPU
        Assert.False(string.IsNullOrEmpty(native), $"{OneDnnIsaCap.Variable} is not in the C environment; the kit said: {message}");
        if (message.StartsWith("capped")) Assert.Equal(OneDnnIsaCap.Cap, native);
        else Assert.StartsWith("as set by you", message);
    }

    [Fact]
    public void TheEnvironmentReportSaysWhatWasDecided()
    {
        var report = Kit.EnvironmentReport();
        var items = report.Columns["item"].Cast<string>().ToList();
        int row = items.IndexOf("oneDNN instruction set");
        Assert.True(row >= 0, $"no oneDNN row in: {string.Join(", ", items)}");
        Assert.Equal(OneDnnIsaCap.Message, (string)report.Columns["value"][row]);
    }
}
