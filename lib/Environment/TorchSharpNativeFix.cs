using System.Reflection;
using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Makes TorchSharp 0.107's native library loadable on hosts whose libstdc++ is older than GCC 13
/// (Debian 12, Ubuntu 22.04). Call <see cref="Apply"/> before the first <c>torch.*</c> call;
/// <see cref="Kit.Setup"/> does this for you.
/// </summary>
public static class TorchSharpNativeFix
{
    /// <summary>The only symbol version libLibTorchSharp.so needs that GCC 12 hosts lack.</summary>
    public const string MissingVersion = "GLIBCXX_3.4.32";
    const string NativeName = "libLibTorchSharp.so";

    /// <summary>What <see cref="Apply"/> did, in one sentence, and the files it looked at.</summary>
    public sealed record Outcome(bool Needed, IReadOnlyList<string> Patched, IReadOnlyList<string> AlreadyPatched, string Message);

    static Outcome? _done;

    /// <summary>Applies the fix once per process (later calls return the first outcome).</summary>
    public static Outcome Apply()
    {
        if (_done is not null) return _done;
        OneDnnIsaCap.Apply();   // before libtorch's first convolution (see OneDnnIsaCap)
        HugePageTensors.Apply(); // before libtorch's first allocation (see HugePageTensors)
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return _done = new(false, [], [], "Not a Linux x64 host: TorchSharp's native library loads as shipped.");
        var libstdcxx = FindHostLibStdCxx();
        if (libstdcxx is not null && !IsNeeded(ElfVersionPatch.ReadDefinedVersions(libstdcxx)))
            _done = new(false, [], [], $"{libstdcxx} provides {MissingVersion}: no fix needed.");
        else
            _done = PatchFiles(CandidateFiles(), libstdcxx);
        MallocTuning.Apply();   // opt-in, before libtorch allocates anything (see MallocTuning)
        KernelPreload.Run();
        return _done;
    }

    /// <summary>The fix is needed when the host's libstdc++ does not define <see cref="MissingVersion"/>.</summary>
    public static bool IsNeeded(IReadOnlySet<string> hostVersions) => !hostVersions.Contains(MissingVersion);

    /// <summary>Patches the given copies of libLibTorchSharp.so (used by <see cref="Apply"/> and by the tests).</summary>
    public static Outcome PatchFiles(IEnumerable<string> files, string? hostLibStdCxx = null)
    {
        var patched = new List<string>();
        var already = new List<string>();
        foreach (var file in files.Where(File.Exists).Distinct())
        {
            if (ElfVersionPatch.MarkRequirementWeak(file, MissingVersion)) patched.Add(file);
            else already.Add(file);
        }
        string host = hostLibStdCxx ?? "this host's libstdc++";
        string message = patched.Count > 0
            ? $"TorchSharp fix applied: {host} lacks {MissingVersion}, which libLibTorchSharp.so asks for only as a never-called " +
              $"marker, so that requirement was marked weak in {patched.Count} file(s) ({string.Join(", ", patched)})."
            : already.Count > 0
                ? $"TorchSharp fix already in place ({already.Count} file(s) patched earlier)."
                : $"TorchSharp fix needed but no {NativeName} was found next to TorchSharp.dll or in the NuGet cache; run 'dotnet restore'.";
        return new(true, patched, already, message);
    }

    /// <summary>
    /// Every place TorchSharp may load libLibTorchSharp.so from: next to the application (console apps and
    /// tests copy it to runtimes/linux-x64/native), the TorchSharp package in the NuGet cache (notebooks),
    /// and the folder TorchSharp consolidates native files into when running inside a notebook kernel.
    /// </summary>
    public static IEnumerable<string> CandidateFiles()
    {
        var baseDir = AppContext.BaseDirectory;
        yield return Path.Combine(baseDir, NativeName);
        yield return Path.Combine(baseDir, "runtimes", "linux-x64", "native", NativeName);

        // Where TorchSharp.dll itself was loaded from (in a kernel: <packages>/torchsharp/<v>/lib/net8.0).
        // typeof(...) loads the managed assembly only; torch's static constructor (the native load) has not run.
        var location = typeof(TorchSharp.torch).Assembly.Location;
        if (!string.IsNullOrEmpty(location))
        {
            var dir = Path.GetDirectoryName(location)!;
            yield return Path.Combine(dir, NativeName);
            yield return Path.Combine(dir, "cpu", NativeName);               // the kernel's consolidated copy
            var home = Path.GetFullPath(Path.Combine(dir, "..", ".."));      // <packages>/torchsharp/<version>
            yield return Path.Combine(home, "runtimes", "linux-x64", "native", NativeName);
        }
    }

    /// <summary>The libstdc++ this process uses (from /proc/self/maps), or the system one.</summary>
    public static string? FindHostLibStdCxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int i = line.IndexOf('/');
                if (i >= 0 && line.Contains("libstdc++.so")) return line[i..].Trim();
            }
        }
        catch (IOException) { }
        foreach (var p in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6" })
            if (File.Exists(p)) return p;
        return null;
    }
}
