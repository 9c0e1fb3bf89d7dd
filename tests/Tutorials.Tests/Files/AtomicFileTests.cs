using Tutorials.Files;
using Xunit;

namespace Tutorials.Tests.Files;

public class AtomicFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("atomic-file-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void AWriterThatFailsLeavesTheTargetAsItWasAndNoTemporaryFile()
    {
        var path = Path.Combine(_dir, "weights.dat");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, temp =>
        {
            File.WriteAllText(temp, "half");
            throw new IOException("killed halfway");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["weights.dat"], Directory.GetFiles(_dir).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void AWriterThatWritesNothingIsAnErrorThatSaysWhereToWrite()
    {
        var path = Path.Combine(_dir, "x.txt");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, _ => { }));
        Assert.Contains("wrote nothing", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void TheNextWriteSweepsWhatAKilledProcessLeftButNotALiveOnesFile()
    {
        var path = Path.Combine(_dir, "resnet.bin");
        // A process id that cannot be running (above Linux's pid_max), and this test's own process.
        var deadLeftover = $"{path}.{int.MaxValue - 1}.0123456789abcdef.tmp";
        var liveOnes = $"{path}.{System.Environment.ProcessId}.fedcba9876543210.tmp";
        var otherTarget = Path.Combine(_dir, "other.bin.999999999.aa.tmp");
        foreach (var f in new[] { deadLeftover, liveOnes, otherTarget }) File.WriteAllText(f, "63 MB once");

        AtomicFile.WriteText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.False(File.Exists(deadLeftover));   // its writer is gone: swept
        Assert.True(File.Exists(liveOnes));        // may be writing right now: kept
        Assert.True(File.Exists(otherTarget));     // another target's temporary file: not ours to sweep
    }

    [Fact]
    public void TemporaryNamesAreUniqueSoTwoWritersNeverShareOne()
    {
        var path = Path.Combine(_dir, "same.txt");
        var temps = new List<string>();
        AtomicFile.Write(path, t => { temps.Add(t); File.WriteAllText(t, "1"); });
        AtomicFile.Write(path, t => { temps.Add(t); File.WriteAllText(t, "2"); });
        Assert.NotEqual(temps[0], temps[1]);
        Assert.All(temps, t => Assert.StartsWith(path + ".", t));
        Assert.Equal("2", File.ReadAllText(path));
    }
}
