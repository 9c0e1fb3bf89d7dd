using Tutorials.Pretrained;

namespace Tutorials.Tests.Pretrained;

/// <summary>
/// Several creators of one cache entry at once (notebook runs and test collections on a fresh machine): the
/// entry must end up written once and valid, with no temporary file left, whoever wins.
/// </summary>
public class WeightCacheConcurrencyTests
{
    const int Creators = 4;

    [Fact]
    public void ConcurrentCreatorsEndWithOneValidEntryWrittenOnce()
    {
        var name = $"test-concurrent-{Guid.NewGuid():N}.bin";
        var path = Path.Combine(WeightCache.Folder, name);
        int writes = 0;
        var outcomes = new WeightCache.Outcome[Creators];
        var start = new Barrier(Creators);
        try
        {
            var threads = Enumerable.Range(0, Creators).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                WeightCache.GetOrCreate(name, temp =>
                {
                    Interlocked.Increment(ref writes);
                    // Slow, and different per writer: a writer that overlapped another would leave a file whose
                    // hash sidecar belongs to someone else.
                    using var stream = File.Create(temp);
                    for (int chunk = 0; chunk < 20; chunk++)
                    {
                        stream.Write(Enumerable.Repeat((byte)(i + 1), 64 * 1024).ToArray());
                        Thread.Sleep(10);
                    }
                }, out outcomes[i]);
            })).ToList();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromMinutes(2)), "a creator did not finish");

            Assert.Equal(1, writes);
            Assert.Equal(1, outcomes.Count(o => o == WeightCache.Outcome.Created));
            Assert.Equal(Creators - 1, outcomes.Count(o => o == WeightCache.Outcome.Hit));
            Assert.Equal(20 * 64 * 1024, new FileInfo(path).Length);
            Assert.Equal(WeightCache.Sha256(path), File.ReadAllText(path + ".sha256").Trim());
            Assert.Empty(Directory.GetFiles(WeightCache.Folder, name + "*.tmp"));

            // A later caller trusts it.
            WeightCache.GetOrCreate(name, _ => throw new InvalidOperationException("must not rebuild a valid entry"), out var later);
            Assert.Equal(WeightCache.Outcome.Hit, later);
        }
        finally
        {
            foreach (var f in Directory.GetFiles(WeightCache.Folder, name + "*")) File.Delete(f);
        }
    }

    [Fact]
    public void ACorruptEntryFoundByConcurrentCreatorsIsRebuiltOnce()
    {
        var name = $"test-concurrent-corrupt-{Guid.NewGuid():N}.bin";
        var path = Path.Combine(WeightCache.Folder, name);
        Directory.CreateDirectory(WeightCache.Folder);
        File.WriteAllBytes(path, [1, 2, 3]);
        File.WriteAllText(path + ".sha256", "not the hash");
        int writes = 0;
        var outcomes = new WeightCache.Outcome[Creators];
        try
        {
            Parallel.For(0, Creators, new ParallelOptions { MaxDegreeOfParallelism = Creators }, i =>
                WeightCache.GetOrCreate(name, temp =>
                {
                    Interlocked.Increment(ref writes);
                    Thread.Sleep(200);
                    File.WriteAllBytes(temp, [42, 42, 42, 42]);
                }, out outcomes[i]));

            Assert.Equal(1, writes);
            Assert.Equal(1, outcomes.Count(o => o == WeightCache.Outcome.Rebuilt));
            Assert.Equal(new byte[] { 42, 42, 42, 42 }, File.ReadAllBytes(path));
            Assert.Equal(WeightCache.Sha256(path), File.ReadAllText(path + ".sha256").Trim());
        }
        finally
        {
            foreach (var f in Directory.GetFiles(WeightCache.Folder, name + "*")) File.Delete(f);
        }
    }
}
