using Tutorials.Pretrained;
using Xunit.Abstractions;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// The first load converts ONNX → TorchSharp format into the cache; later loads read it; a damaged file is
/// rebuilt. Uses its own cache entry name, so the user's cached MiniLM is never touched.
/// </summary>
[Collection("MiniLM")]
public class MiniLmCacheTests(MiniLmFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void CacheIsCreatedThenHitAndACorruptFileIsRebuilt()
    {
        var name = $"minilm-test-{Guid.NewGuid():N}.dat";
        var path = Path.Combine(WeightCache.Folder, name);
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using (var first = MiniLm.Load(null, out var outcome, name))
            {
                Assert.Equal(WeightCache.Outcome.Created, outcome);
                output.WriteLine($"first use: {watch.Elapsed.TotalSeconds:F1} s (conversion {MiniLm.LastConversionSeconds:F1} s), " +
                                 $"cache file {new FileInfo(path).Length / 1e6:F1} MB");
                AssertSameAsFixture(first);
            }

            watch.Restart();
            using (var second = MiniLm.Load(null, out var outcome, name))
            {
                Assert.Equal(WeightCache.Outcome.Hit, outcome);
                output.WriteLine($"cached load: {watch.Elapsed.TotalSeconds:F1} s");
                AssertSameAsFixture(second);
            }

            // Flip bytes in the middle of the weights: the SHA-256 sidecar no longer matches.
            using (var stream = File.OpenWrite(path))
            {
                stream.Seek(stream.Length / 2, SeekOrigin.Begin);
                stream.Write(new byte[64]);
            }
            using (var third = MiniLm.Load(null, out var outcome, name))
            {
                Assert.Equal(WeightCache.Outcome.Rebuilt, outcome);
                AssertSameAsFixture(third);
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".sha256");
        }
    }

    void AssertSameAsFixture(Tutorials.Backbones.SentenceEmbedder model)
    {
        using var scope = torch.NewDisposeScope();
        string[] texts = ["The cache must give back the same weights."];
        var diff = (model.Encode(texts) - fixture.Model.Encode(texts)).abs().max().item<float>();
        Assert.Equal(0f, diff);
    }
}
