using System.IO.Compression;
using Tutorials.Environment;
using Tutorials.Pretrained;
using Tutorials.Files;

namespace Tutorials.Tests.Environment;

/// <summary>
/// The GLIBCXX_3.4.32 fix on a pristine copy of TorchSharp's real native library, taken straight from the
/// .nupkg (the copy in the NuGet cache may already have been patched by an earlier run).
/// </summary>
public sealed class ElfVersionPatchTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("kit-elf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string PristineLibrary()
    {
        var nupkg = Path.Combine(PackageFiles.PackagesFolder, "torchsharp", Versions.TorchSharp, $"torchsharp.{Versions.TorchSharp}.nupkg");
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.GetEntry("runtimes/linux-x64/native/libLibTorchSharp.so")!;
        var path = Path.Combine(_dir, "libLibTorchSharp.so");
        entry.ExtractToFile(path, overwrite: true);
        return path;
    }

    [Fact]
    public void ShippedLibraryRequiresTheVersionStrictly()
    {
        var req = ElfVersionPatch.ReadRequirements(PristineLibrary()).Single(r => r.Version == TorchSharpNativeFix.MissingVersion);
        Assert.Equal("libstdc++.so.6", req.Library);
        Assert.False(req.IsWeak);
    }

    [Fact]
    public void PatchChangesExactlyTheFlagsFieldOfThatRequirement()
    {
        var path = PristineLibrary();
        var before = File.ReadAllBytes(path);
        var target = ElfVersionPatch.ReadRequirements(path).Single(r => r.Version == TorchSharpNativeFix.MissingVersion);

        Assert.True(ElfVersionPatch.MarkRequirementWeak(path, TorchSharpNativeFix.MissingVersion));

        var after = File.ReadAllBytes(path);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        Assert.Equal([(int)target.FlagsOffset], changed);             // one byte: the low byte of vna_flags
        Assert.Equal(0x02, after[target.FlagsOffset] ^ before[target.FlagsOffset]); // VER_FLG_WEAK set, nothing else

        var requirements = ElfVersionPatch.ReadRequirements(path);
        Assert.True(requirements.Single(r => r.Version == TorchSharpNativeFix.MissingVersion).IsWeak);
        Assert.All(requirements.Where(r => r.Version != TorchSharpNativeFix.MissingVersion), r => Assert.False(r.IsWeak));
    }

    [Fact]
    public void SecondRunChangesNothing()
    {
        var path = PristineLibrary();
        Assert.True(ElfVersionPatch.MarkRequirementWeak(path, TorchSharpNativeFix.MissingVersion));
        var once = File.ReadAllBytes(path);
        var stamp = File.GetLastWriteTimeUtc(path);

        Assert.False(ElfVersionPatch.MarkRequirementWeak(path, TorchSharpNativeFix.MissingVersion));
        Assert.Equal(once, File.ReadAllBytes(path));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));          // not even rewritten

        var outcome = TorchSharpNativeFix.PatchFiles([path]);
        Assert.Empty(outcome.Patched);
        Assert.Equal([path], outcome.AlreadyPatched);
    }

    [Fact]
    public void NoFixWhenTheHostHasTheVersion()
    {
        Assert.False(TorchSharpNativeFix.IsNeeded(new HashSet<string> { "GLIBCXX_3.4.30", "GLIBCXX_3.4.31", "GLIBCXX_3.4.32" }));
        Assert.True(TorchSharpNativeFix.IsNeeded(new HashSet<string> { "GLIBCXX_3.4.29", "GLIBCXX_3.4.30" }));
    }

    [Fact]
    public void ReadsTheHostsLibStdCxxVersions()
    {
        var host = TorchSharpNativeFix.FindHostLibStdCxx();
        Assert.NotNull(host);
        var versions = ElfVersionPatch.ReadDefinedVersions(host!);
        Assert.Contains("GLIBCXX_3.4.26", versions);                  // every supported host has at least GCC 9's
    }

    [Fact]
    public void NonElfFileIsRefusedAndLeftUntouched()
    {
        var path = Path.Combine(_dir, "not-a-library.so");
        File.WriteAllText(path, "this is a text file, not a shared library");
        var before = File.ReadAllBytes(path);

        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.MarkRequirementWeak(path, TorchSharpNativeFix.MissingVersion));
        Assert.Contains(path, e.Message);
        Assert.Contains("ELF magic", e.Message);
        Assert.Contains("left unchanged", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_dir));                       // no temporary file left behind
    }

    [Fact]
    public void ElfWithoutThatRequirementIsRefusedAndLeftUntouched()
    {
        // A real ELF64 library that does not ask for GLIBCXX_3.4.32: libtorch's own C10 library.
        var path = PristineLibrary();
        var bytes = File.ReadAllBytes(path);
        var other = Path.Combine(_dir, "libc10.so");
        File.Copy(Path.Combine(PackageFiles.PackagesFolder, "libtorch-cpu-linux-x64", Versions.LibTorch, "runtimes", "linux-x64", "native", "libc10.so"), other);
        var before = File.ReadAllBytes(other);

        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.MarkRequirementWeak(other, TorchSharpNativeFix.MissingVersion));
        Assert.Contains("does not require symbol version GLIBCXX_3.4.32", e.Message);
        Assert.Equal(before, File.ReadAllBytes(other));
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void ThirtyTwoBitElfIsRefused()
    {
        var path = Path.Combine(_dir, "elf32.so");
        var bytes = new byte[128];
        bytes[0] = 0x7F; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F'; bytes[4] = 1; bytes[5] = 1;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.ReadRequirements(path));
        Assert.Contains("64-bit little-endian", e.Message);
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var path = Path.Combine(_dir, "absent.so");
        var e = Assert.Throws<FileNotFoundException>(() => ElfVersionPatch.MarkRequirementWeak(path, TorchSharpNativeFix.MissingVersion));
        Assert.Contains(path, e.Message);
    }
}
