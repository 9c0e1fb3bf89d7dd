using Tutorials.Environment;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Environment;

/// <summary>
/// libtorch reads THP_MEM_ALLOC_ENABLE from the C environment: the kit's setting must reach it there, only where
/// huge pages exist, and never over the user's own value. That it changes no number is checked by every other test
/// (they run with it) and was checked on the notebooks' key results (see HugePageTensors).
/// </summary>
public class HugePageTensorsTests
{
    [Theory]
    [InlineData("always [madvise] never\n", "madvise")]
    [InlineData("[always] madvise never\n", "always")]
    public void OnWhereTheMachineHasHugePages(string setting, string mode)
    {
        var (set, message) = HugePageTensors.Decide(null, setting);
        Assert.True(set);
        Assert.Equal($"on: tensors of 2 MB or more ask for huge pages (this machine's setting: {mode})", message);
    }

    [Fact]
    public void OffWhereTheyAreTurnedOffOrMissing()
    {
        Assert.Equal((false, "off: transparent huge pages are turned off on this machine (never)"),
            HugePageTensors.Decide(null, "always madvise [never]\n"));
        Assert.Equal((false, "off: this kernel has no transparent huge pages"), HugePageTensors.Decide(null, null));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public void TheUsersValueWins(string value)
    {
        var (set, message) = HugePageTensors.Decide(value, "always [madvise] never");
        Assert.False(set);
        Assert.StartsWith($"as set by you: {HugePageTensors.Variable}={value}", message);
    }

    [Fact]
    public void TheSwitchIsInTheNativeEnvironmentWhereItWasTurnedOn()
    {
        if (!OperatingSystem.IsLinux()) return;
        var message = HugePageTensors.Message;   // the test process applied it in its module initializer
        var native = EnvironmentRows.Native(HugePageTensors.Variable);
        if (message.StartsWith("on:")) Assert.Equal("1", native);
        else if (message.StartsWith("as set by you")) Assert.False(string.IsNullOrEmpty(native));
        else Assert.Null(native);
    }

    [Fact]
    public void TheEnvironmentReportSaysWhatWasDecided() =>
        Assert.Equal(HugePageTensors.Message, EnvironmentRows.ReportRow("large tensors on huge pages"));
}
