using Tutorials.Training;
using Tutorials.Data;

namespace Tutorials.Tests.Training;

public class BatchesTests
{
    [Fact]
    public void TensorsWithDifferentFirstDimensionsAreRejectedWithTheirSizes()
    {
        using var x = torch.zeros(10, 3);
        using var y = torch.zeros(9);
        var e = Assert.Throws<ArgumentException>(() => new TensorBatches(4, x, y));
        Assert.Contains("tensor 0: 10, tensor 1: 9", e.Message);
    }

    [Fact]
    public void ShuffledOrderDependsOnlyOnSeedAndEpoch()
    {
        using var x = torch.arange(50);
        var a = new TensorBatches(new[] { x }, 8, shuffle: true, seed: 11);
        var b = new TensorBatches(new[] { x }, 8, shuffle: true, seed: 11);
        b.Order(1); b.Order(2); // history of other epochs must not matter
        Assert.Equal(a.Order(3), b.Order(3));
        Assert.NotEqual(a.Order(3), a.Order(4));
        Assert.NotEqual(a.Order(3), new TensorBatches(new[] { x }, 8, shuffle: true, seed: 12).Order(3));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a.Order(3).OrderBy(i => i)); // a permutation
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a.WithShuffle(false).Order(3));
    }

    [Fact]
    public void BatchesKeepRowsTogetherAndTheLastPartialBatchUnlessDropped()
    {
        using var x = torch.arange(10).reshape(10, 1);
        using var y = torch.arange(10) * 100;
        var batches = new TensorBatches(new[] { x, y }, 4, shuffle: true, seed: 1);
        Assert.Equal(3, batches.Count);
        var order = batches.Order(1);
        var seen = new List<long>();
        using (var scope = torch.NewDisposeScope())
            for (int i = 0; i < batches.Count; i++)
            {
                var b = batches.Batch(order, i);
                Assert.Equal(i < 2 ? 4 : 2, b[0].shape[0]);
                Assert.Equal(b[0].reshape(-1).mul(100).data<long>().ToArray(), b[1].data<long>().ToArray()); // rows stay paired
                seen.AddRange(b[0].data<long>().ToArray());
            }
        Assert.Equal(order, seen);
        Assert.Equal(2, new TensorBatches(new[] { x, y }, 4, dropLast: true).Count);
    }
}
