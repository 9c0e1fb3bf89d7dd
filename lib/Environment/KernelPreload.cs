using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Loads libtorch into a notebook kernel from the one native package the library build restored for this machine
/// (<c>libtorch-cpu-&lt;rid&gt;</c> in the NuGet cache, see lib/Tutorials.Lib.csproj).
/// <para>
/// Why: notebooks reference only the managed <c>TorchSharp</c> package (<c>#r "nuget: TorchSharp, …"</c>), not
/// <c>TorchSharp-cpu</c>, which would download libtorch for Linux, macOS and Windows (1.2 GB) into every
/// attendee's cache. TorchSharp then asks the system loader for its native libraries by name; loading them by full
/// path first makes those by-name requests resolve to these copies (the loader matches already-loaded libraries
/// by their soname). It also keeps another libtorch installed system-wide (Debian's python3-torch puts
/// libtorch_cpu.so 1.13 in /usr/lib) from being picked up first, which failed with a misleading
/// "doesn't contain a reference to libtorch-cpu-linux-x64".
/// </para>
/// Console apps and tests are not affected: they find the natives next to the application.
/// </summary>
static class KernelPreload
{
    /// <summary>Per runtime: the host's package RID and libtorch's files in load order (dependencies first).</summary>
    static (string Rid, string[] LibTorch, string TorchSharpNative)? Host()
    {
        var arch = RuntimeInformation.OSArchitecture;
        if (OperatingSystem.IsLinux() && arch == Architecture.X64)
            return ("linux-x64", ["libc10.so", "libtorch_cpu.so", "libtorch.so"], "libLibTorchSharp.so");
        if (OperatingSystem.IsMacOS() && arch == Architecture.Arm64)
            return ("osx-arm64", ["libc10.dylib", "libtorch_cpu.dylib", "libtorch.dylib"], "libLibTorchSharp.dylib");
        if (OperatingSystem.IsWindows() && arch == Architecture.X64)
            return ("win-x64", ["c10.dll", "torch_cpu.dll", "torch.dll"], "LibTorchSharp.dll");
        return null;
    }

    /// <summary>Loads libtorch and TorchSharp's native library; returns the libtorch folder used, or null when not in a kernel.</summary>
    public static string? Run()
    {
        // typeof(...) loads the managed assembly only; torch's static constructor (the native load) has not run.
        var location = typeof(TorchSharp.torch).Assembly.Location;
        var dir = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
        // Only the NuGet-cache layout .../torchsharp/<version>/lib/<tfm>/TorchSharp.dll (what a kernel loads).
        if (dir is null || !dir.Replace('\\', '/').Contains("/torchsharp/") || Host() is not { } host) return null;

        var torchSharpHome = Path.GetFullPath(Path.Combine(dir, "..", ".."));
        var packages = Path.GetFullPath(Path.Combine(torchSharpHome, "..", ".."));   // <packages>/torchsharp/<version>
        // With the CUDA backend restored (TorchSharp-cuda-linux), leave the choice to TorchSharp's own loader.
        if (Directory.GetDirectories(packages, "libtorch-cuda-*").Any(d => Directory.Exists(Path.Combine(d, Versions.LibTorch)))) return null;

        var libtorch = Path.Combine(packages, $"libtorch-cpu-{host.Rid}", Versions.LibTorch, "runtimes", host.Rid, "native");
        var libTorchSharp = Path.Combine(torchSharpHome, "runtimes", host.Rid, "native", host.TorchSharpNative);
        if (!Directory.Exists(libtorch))
            throw new DllNotFoundException(
                $"libtorch {Versions.LibTorch} for {host.Rid} was expected in the NuGet cache at {libtorch}, but that folder does not exist. " +
                "The library build restores it: run `dotnet build lib` from the repository root (with the same NUGET_PACKAGES " +
                "setting as this notebook's kernel), then restart the kernel.");
        if (!File.Exists(libTorchSharp))
            throw new DllNotFoundException($"TorchSharp's native library was expected at {libTorchSharp}; restore TorchSharp {Versions.TorchSharp} again (dotnet build lib).");

        foreach (var lib in host.LibTorch)
            NativeLibrary.Load(Path.Combine(libtorch, lib));
        NativeLibrary.Load(libTorchSharp);
        return libtorch;
    }
}
