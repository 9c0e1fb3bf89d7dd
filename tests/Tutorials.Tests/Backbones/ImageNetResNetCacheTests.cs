using Tutorials.Backbones;
using Tutorials.Pretrained;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// The converted weights live in the <see cref="WeightCache"/>. These tests use their own cache entry name (in the
/// same cache folder), so they neither depend on nor disturb the entry notebooks use, and delete it afterwards.
/// </summary>
[Collection(PretrainedResNetCollection.Name)]
public class ImageNetResNetCacheTests(PretrainedResNetFixture fixture)
{
    static ImageNetResNet.Source TestSource(string version = ImageNetResNet.PackageVersion) =>
        new(ImageNetResNet.PackageId, version, ImageNetResNet.ModelFile, $"test-resnet-{Guid.NewGuid():N}.dat");

    [Fact]
    public void FirstLoadCreatesSecondHitsACorruptFileIsRebuilt()
    {
        var source = TestSource();
        var path = Path.Combine(WeightCache.Folder, source.CacheEntry);
        try
        {
            using (var created = ImageNetResNet.Load(source, out var first, device: null))
            {
                Console.WriteLine(first);
                Assert.Equal(WeightCache.Outcome.Created, first.Outcome);
                Assert.InRange(first.CacheBytes, 60_000_000, 70_000_000);     // 15.9 M float32 values ≈ 63.6 MB
                AssertSameWeights(fixture.Backbone, created);
            }

            using (var hit = ImageNetResNet.Load(source, out var second, device: null))
            {
                Console.WriteLine(second);
                Assert.Equal(WeightCache.Outcome.Hit, second.Outcome);
                AssertSameWeights(fixture.Backbone, hit);
            }

            // A crash while copying leaves half a file: cut it in half. Its hash no longer matches, so it is rebuilt.
            using (var file = File.Open(path, FileMode.Open)) file.SetLength(file.Length / 2);
            using (var rebuilt = ImageNetResNet.Load(source, out var third, device: null))
            {
                Console.WriteLine(third);
                Assert.Equal(WeightCache.Outcome.Rebuilt, third.Outcome);
                AssertSameWeights(fixture.Backbone, rebuilt);
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".sha256");
        }
    }

    [Fact]
    public void MissingPackageFileNamesThePackageVersionAndCommand()
    {
        var source = TestSource(version: "0.0.0-not-restored");
        var error = Assert.Throws<FileNotFoundException>(() => ImageNetResNet.Load(source, out _, device: null));
        Assert.Contains(ImageNetResNet.PackageId, error.Message);
        Assert.Contains("0.0.0-not-restored", error.Message);
        Assert.Contains("dotnet build lib", error.Message);
        Assert.False(File.Exists(Path.Combine(WeightCache.Folder, source.CacheEntry)));   // nothing half-written left behind
    }

    [Fact]
    public void LoadedModelIsInEvalMode() => Assert.False(fixture.Backbone.training);

    static void AssertSameWeights(ResNetBackbone expected, ResNetBackbone actual)
    {
        var reference = expected.state_dict();
        foreach (var (name, tensor) in actual.state_dict())
            Assert.True(tensor.eq(reference[name]).all().item<bool>(), $"{name} differs from the reference load");
    }
}
