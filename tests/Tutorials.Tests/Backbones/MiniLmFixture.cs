using Tutorials.Backbones;
using Tutorials.Pretrained;

namespace Tutorials.Tests.Backbones;

/// <summary>Loads all-MiniLM-L6-v2 once for the tests of the "MiniLM" collection (they run one after another).</summary>
public sealed class MiniLmFixture : IDisposable
{
    public SentenceEmbedder Model { get; } = MiniLm.Load();

    public void Dispose() => Model.Dispose();
}

[CollectionDefinition("MiniLM")]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>;

/// <summary>Files committed under data/: found by walking up from the test binary to the repository root.</summary>
static class BertTestFiles
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Tutorials.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException($"No Tutorials.sln above {AppContext.BaseDirectory}; run the tests from the repository.");
        }
    }

    public static string Fixture(string name) => Path.Combine(RepoRoot, "data", "pytorch-fixtures", name);
}
