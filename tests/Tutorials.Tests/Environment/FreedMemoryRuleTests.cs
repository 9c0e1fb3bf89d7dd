using Tutorials.Environment;

namespace Tutorials.Tests.Environment;

/// <summary>
/// The trainer's trim rule: memory a step takes straight back after a trim is its working set, not waste; only growth
/// past it by more than the allowance is trimmed. Figures in megabytes, shaped like notebook 03's tower step before
/// huge pages (tools/Benchmarks memory-trace): 530 MB after a trim, 690 after the next step, swinging up to 805.
/// </summary>
public class FreedMemoryRuleTests
{
    const long Mb = 1L << 20, Allowed = 128 * Mb;

    [Fact]
    public void TheFirstCheckAfterATrimMeasuresTheWorkingSetAndDoesNotTrim()
    {
        var (trim, workingSet) = FreedMemory.Rule(690 * Mb, -1, Allowed);
        Assert.False(trim);
        Assert.Equal(690 * Mb, workingSet);
    }

    [Theory]
    [InlineData(805, false)]   // the step's ordinary swing: 115 MB over the working set
    [InlineData(818, false)]   // exactly the allowance: not more than it
    [InlineData(819, true)]    // grown past the working set by more than the allowance
    [InlineData(1083, true)]   // a bare loop's heap after 20 steps without trims
    public void LaterChecksTrimOnlyGrowthPastTheWorkingSet(long residentMb, bool expected)
    {
        var (trim, workingSet) = FreedMemory.Rule(residentMb * Mb, 690 * Mb, Allowed);
        Assert.Equal(expected, trim);
        Assert.Equal(690 * Mb, workingSet);   // kept until the trim; the next check measures it again
    }

    [Fact]
    public void ASwingThatTheOldRuleTrimmedIsLeftAlone()
    {
        // The old rule counted growth from the level right after the trim (530 MB) and trimmed at twice the
        // allowance above it, 786 MB: inside this step's ordinary swing. The working-set rule does not.
        long afterTrim = 530 * Mb, swing = 790 * Mb;
        Assert.True(swing - afterTrim > 2 * Allowed);
        Assert.False(FreedMemory.Rule(swing, 690 * Mb, Allowed).Trim);
    }
}
