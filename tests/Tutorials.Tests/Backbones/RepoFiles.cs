namespace Tutorials.Tests.Backbones;

/// <summary>Finds committed test data by walking up from the test binaries to the repository root.</summary>
static class RepoFiles
{
    static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Tutorials.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Tutorials.sln above {AppContext.BaseDirectory}.");
    });

    public static string Path(string relative) => System.IO.Path.Combine(Root.Value, relative);
}
