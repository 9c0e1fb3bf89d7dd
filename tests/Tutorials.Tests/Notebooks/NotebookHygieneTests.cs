using System.Text.Json;
using System.Xml.Linq;
using Tutorials.Tests.Support;
using Tutorials.Environment;

namespace Tutorials.Tests.Notebooks;

/// <summary>Notebooks pin the same package versions as the build, load the library the same way, and are stored clean.</summary>
public class NotebookHygieneTests
{
    public static TheoryData<string> AllNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repo.Notebooks, "*.ipynb").OrderBy(f => f)) data.Add(Path.GetFileName(f));
        return data;
    }

    static string PathOf(string name) => Path.Combine(Repo.Notebooks, name);

    [Theory, MemberData(nameof(AllNotebooks))]
    public void NugetVersionsEqualTheCentralPins(string notebook)
    {
        var pins = NotebookPins.CentralPins();
        var refs = NotebookPins.NugetReferences(PathOf(notebook)).ToList();
        Assert.NotEmpty(refs);
        foreach (var (package, version) in refs)
        {
            Assert.True(pins.ContainsKey(package), $"{notebook} references {package}, which Directory.Packages.props does not pin.");
            Assert.True(version == pins[package],
                $"{notebook} pins {package} {version ?? "(no version)"}, Directory.Packages.props pins {pins[package]}. Make them equal.");
        }
    }

    [Theory, MemberData(nameof(AllNotebooks))]
    public void FirstCellLoadsEveryRuntimePackageOfTheLibraryAndTheLibraryItself(string notebook)
    {
        var first = NotebookPins.FirstCodeCell(PathOf(notebook));
        var referenced = NotebookPins.NugetReferences(PathOf(notebook)).Select(r => r.Package).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var lib = XDocument.Load(Path.Combine(Repo.Root, "lib", "Tutorials.Lib.csproj"));
        var runtimePackages = lib.Descendants("PackageReference")
            .Where(e => e.Parent!.Attribute("Condition") is null)                   // the backend's packages: checked below
            .Where(e => (string?)e.Attribute("ExcludeAssets") != "all")               // weight-only packages are read from the cache
            .Select(e => (string)e.Attribute("Include")!)
            .Where(p => p != "Microsoft.DotNet.Interactive.Formatting");           // the kernel itself provides it
        foreach (var p in runtimePackages)
            Assert.True(referenced.Contains(p), $"{notebook}'s first cell must #r \"nuget: {p}, <pinned version>\" (lib/ uses it).");

        // The backend, as scripts/select-backend.sh set it. CPU: the managed TorchSharp only; Kit.Setup() loads the one
        // libtorch the library build restored for this machine. TorchSharp-cpu (or a libtorch package) here would make
        // every kernel download libtorch for all three operating systems.
        var backend = lib.Descendants("TorchSharpBackend").Single().Value;
        var expected = backend == "cuda" ? "TorchSharp-cuda-linux" : "TorchSharp";
        Assert.True(referenced.Contains(expected), $"{notebook}'s first cell must #r \"nuget: {expected}, <pinned version>\" (backend {backend} in lib/Tutorials.Lib.csproj).");
        var extra = referenced.Where(p => p.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase) || (p.StartsWith("TorchSharp-") && p != expected)).ToList();
        Assert.True(extra.Count == 0, $"{notebook} references {string.Join(", ", extra)}: only {expected} is needed (run scripts/select-backend.sh {backend}).");
        Assert.True(first.IndexOf("#r \"nuget: " + expected + ",", StringComparison.Ordinal) >= 0, $"{notebook}: the backend must be referenced in the first cell.");
        Assert.Contains("#r \"../lib/bin/kit/Tutorials.Lib.dll\"", first);
        Assert.Contains("Tutorials.Kit.Setup(", first);
    }

    [Fact]
    public void HostLibTorchPackagesArePinnedAtTheKitsLibTorchVersion()
    {
        // lib/Tutorials.Lib.csproj restores libtorch-cpu-<rid> for the machine that builds; every host it can pick is pinned,
        // at the version KernelPreload looks for.
        var pins = NotebookPins.CentralPins();
        foreach (var rid in new[] { "linux-x64", "osx-arm64", "win-x64" })
            Assert.True(pins.TryGetValue($"libtorch-cpu-{rid}", out var v) && v == Versions.LibTorch,
                $"Directory.Packages.props must pin libtorch-cpu-{rid} {Versions.LibTorch} (lib/Environment/Versions.cs), found {(v ?? "none")}.");
        Assert.Equal(Versions.TorchSharp, pins["TorchSharp"]);
    }

    [Theory, MemberData(nameof(AllNotebooks))]
    public void StoredWithoutOutputs(string notebook)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PathOf(notebook)));
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code"))
        {
            Assert.Equal(0, cell.GetProperty("outputs").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, cell.GetProperty("execution_count").ValueKind);
        }
    }
}
