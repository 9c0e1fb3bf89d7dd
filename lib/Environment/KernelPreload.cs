using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Inside a notebook kernel, TorchSharp first asks the system loader for "torch_cpu" by bare name. If the
/// machine has another libtorch installed system-wide (Debian's python3-torch puts libtorch_cpu.so 1.13 in
/// /usr/lib), that one is found first and TorchSharp then fails with a misleading "doesn't contain a reference
/// to libtorch-cpu-linux-x64". Loading the package's own libraries by full path first makes every later
/// by-name request resolve to them (the loader matches already-loaded libraries by their soname).
/// Console apps and tests are not affected: they find the natives next to the application.
/// </summary>
static class KernelPreload
{
    public static string? Run()
    {
        // typeof(...) loads the managed assembly only; torch's static constructor (the native load) has not run.
        var location = typeof(TorchSharp.torch).Assembly.Location;
        var dir = string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
        // Only the NuGet-cache layout .../torchsharp/<version>/lib/<tfm>/TorchSharp.dll (what a kernel loads).
        if (dir is null || !dir.Replace('\\', '/').Contains("/torchsharp/")) return null;

        var torchSharpHome = Path.GetFullPath(Path.Combine(dir, "..", ".."));
        var packages = Path.GetFullPath(Path.Combine(torchSharpHome, "..", ".."));   // <packages>/torchsharp/<version>
        var libtorch = Path.Combine(packages, "libtorch-cpu-linux-x64", Versions.LibTorch, "runtimes", "linux-x64", "native");
        var libTorchSharp = Path.Combine(torchSharpHome, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!Directory.Exists(libtorch) || !File.Exists(libTorchSharp)) return null;
        // With the CUDA backend restored (TorchSharp-cuda-linux), leave the choice to TorchSharp's own loader.
        if (Directory.GetDirectories(packages, "libtorch-cuda-*-linux-x64").Any(d => Directory.Exists(Path.Combine(d, Versions.LibTorch)))) return null;

        foreach (var lib in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
            NativeLibrary.Load(Path.Combine(libtorch, lib));
        NativeLibrary.Load(libTorchSharp);
        return libtorch;
    }
}
