using System.Text.Json;
using System.Xml.Linq;
using Tutorials.Tests.Support;

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
            .Where(e => (string?)e.Attribute("ExcludeAssets") != "all")               // weight-only packages are read from the cache
            .Select(e => (string)e.Attribute("Include")!)
            .Where(p => p != "Microsoft.DotNet.Interactive.Formatting");           // the kernel itself provides it
        foreach (var p in runtimePackages)
            Assert.True(referenced.Contains(p), $"{notebook}'s first cell must #r \"nuget: {p}, <pinned version>\" (lib/ uses it).");
        Assert.Contains("#r \"../lib/bin/kit/Tutorials.Lib.dll\"", first);
        Assert.Contains("Tutorials.Kit.Setup(", first);
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
