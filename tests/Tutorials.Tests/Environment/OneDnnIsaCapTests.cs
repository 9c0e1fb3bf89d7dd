using System.Runtime.InteropServices;
using Tutorials.Environment;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Environment;

/// <summary>
/// The cap must reach the C environment (where oneDNN reads it), not only .NET's copy. Where it is needed (a CPU that
/// reports no cache sizes, see CpuCacheInfo) is shown by OneDnnConvFaultTests,
/// TrainerDeterminismTests.ASeededConvolutionalRunRepeatsExactlyOnTwoThreads and ChannelsLastConvCheck.
/// </summary>
public class OneDnnIsaCapTests
{
    [Fact]
    public void TheLevelIsInTheNativeEnvironmentBeforeLibtorchRuns()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        var message = OneDnnIsaCap.Message;   // the test process applied it in its module initializer
        var native = EnvironmentRows.Native(OneDnnIsaCap.Variable) ?? EnvironmentRows.Native("DNNL_MAX_CPU_ISA");
        if (message.StartsWith("not capped: oneDNN gets usable cache sizes")) return;   // nothing to set on this CPU
        Assert.False(string.IsNullOrEmpty(native), $"{OneDnnIsaCap.Variable} is not in the C environment; the kit said: {message}");
        if (message.StartsWith("capped")) Assert.Equal(OneDnnIsaCap.Cap, native);
        else Assert.StartsWith("as set by you", message);
    }

    [Fact]
    public void TheEnvironmentReportSaysWhatWasDecided() =>
        Assert.Equal(OneDnnIsaCap.Message, EnvironmentRows.ReportRow("oneDNN instruction set"));
}
