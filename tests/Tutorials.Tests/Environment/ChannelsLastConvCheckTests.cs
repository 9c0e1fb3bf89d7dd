using Tutorials.Environment;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Environment;

/// <summary>
/// The environment check for the channels-last convolution bug. Whether this CPU has the bug is not asserted
/// (that would make the test depend on the machine); what is asserted is that the report carries the check's
/// verdict, that the verdict follows from the measured difference, and what ConvInput does to layouts.
/// </summary>
public class ChannelsLastConvCheckTests
{
    [Fact]
    public void EnvironmentReportCarriesTheVerdict()
    {
        var value = EnvironmentRows.ReportRow("channels-last convolution");
        Assert.True(value.StartsWith("correct") || value.StartsWith("wrong on this CPU"), value);
        Assert.Equal(ChannelsLastConvCheck.Run().Correct, value.StartsWith("correct"));   // deterministic: fixed seed
    }

    [Fact]
    public void VerdictFollowsTheMeasuredDifference()
    {
        var wrong = new ChannelsLastConvCheck.Outcome(MaxAbsDifference: 1.28, MaxAbsOutput: 2.4);
        Assert.False(wrong.Correct);
        Assert.StartsWith("wrong on this CPU", wrong.Message);
        Assert.Contains(".contiguous()", wrong.Message);
        Assert.Contains("1.28", wrong.Message);
        Assert.True(new ChannelsLastConvCheck.Outcome(2e-6, 2.4).Correct);
    }

    [Fact]
    public void ConvInputCopiesOnlyWhatIsNotContiguous()
    {
        using var scope = torch.NewDisposeScope();
        var standard = torch.rand(2, 8, 5, 5);
        Assert.Same(standard, ConvInput.Contiguous(standard));
        var channelsLast = standard.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
        Assert.False(channelsLast.is_contiguous());
        var converted = ConvInput.Contiguous(channelsLast);
        Assert.True(converted.is_contiguous());
        Assert.Equal(standard.stride(), converted.stride());
        Assert.Equal(0f, (converted - standard).abs().max().item<float>());
    }
}
