using Tutorials.Tests.Notebooks;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Apps;

/// <summary>The apps pin the same package versions as Directory.Packages.props and their notebooks, and build the kit from source.</summary>
public class AppPinTests
{
    public static TheoryData<string> AllNotebooks() => NotebookHygieneTests.AllNotebooks();

    [Theory, MemberData(nameof(AllNotebooks))]
    public void PackageVersionsEqualTheCentralPins(string notebook)
    {
        var app = AppsTool.AppOf(notebook);
        Assert.True(File.Exists(app), $"{notebook} has no app at notebooks/apps/; run: dotnet run --project tools/NotebookApps -- generate");
        var pins = NotebookPins.CentralPins();
        var packages = AppsTool.Packages(app);
        Assert.NotEmpty(packages);
        foreach (var (package, version) in packages)
        {
            Assert.True(pins.ContainsKey(package), $"{Path.GetFileName(app)} references {package}, which Directory.Packages.props does not pin.");
            Assert.True(version == pins[package], $"{Path.GetFileName(app)} pins {package} {version}, Directory.Packages.props pins {pins[package]}. " +
                                                  "Fix the notebook's #r line and regenerate the apps.");
        }
    }

    [Theory, MemberData(nameof(AllNotebooks))]
    public void PackagesAreTheNotebooksAndTheKitIsBuiltFromSource(string notebook)
    {
        var app = AppsTool.AppOf(notebook);
        var inNotebook = NotebookPins.NugetReferences(Path.Combine(Repo.Notebooks, notebook)).Select(r => $"{r.Package}@{r.Version}").Order().ToList();
        var inApp = AppsTool.Packages(app).Select(p => $"{p.Package}@{p.Version}").Order().ToList();
        Assert.Equal(inNotebook, inApp);
        Assert.Contains("#:project ../../lib/Tutorials.Lib.csproj", File.ReadAllText(app));
    }
}
