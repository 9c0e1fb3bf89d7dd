using System.Text.Json;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Runner;

/// <summary>
/// What running the tutorials downloads: the library's restore (lib/obj/project.assets.json, written by the build
/// these tests ran after) holds one native libtorch, the host's, and no ONNX Runtime (only the tests use it).
/// scripts/measure-restore-size.sh measures the bytes.
/// </summary>
public class RestoreFootprintTests
{
    static List<string> LibraryPackages()
    {
        var assets = Path.Combine(Repo.Root, "lib", "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{assets} is missing: build the library (dotnet build lib) first.");
        using var doc = JsonDocument.Parse(File.ReadAllText(assets));
        return doc.RootElement.GetProperty("libraries").EnumerateObject().Select(p => p.Name.Split('/')[0]).ToList();
    }

    [Fact]
    public void TheLibraryRestoresOnlyThisMachinesLibTorch()
    {
        var libtorch = LibraryPackages().Where(p => p.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase)).ToList();
        var rid = OperatingSystem.IsLinux() ? "linux-x64" : OperatingSystem.IsMacOS() ? "osx-arm64" : "win-x64";
        Assert.Equal([$"libtorch-cpu-{rid}"], libtorch);
    }

    [Fact]
    public void TheLibraryDoesNotRestoreOnnxRuntime()
    {
        var onnx = LibraryPackages().Where(p => p.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(onnx.Count == 0, $"lib/ restores {string.Join(", ", onnx)}; the tutorials never run ONNX (weight packages are PackageDownload items).");
    }
}
