using TorchSharp;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Data;
using Tutorials.Evaluation;

namespace Tutorials.Tests.Inference;

public class EvalPassTests
{
    static nn.Module<Tensor, Tensor> Net()
    {
        torch.manual_seed(0);
        return nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5), nn.BatchNorm1d(3));
    }

    [Fact]
    public void CollectEqualsOneWholeEvalForwardWhateverTheChunk()
    {
        var net = Net();
        var x = torch.randn(10, 4, generator: new torch.Generator(1));
        net.eval();
        Tensor expected;
        using (torch.no_grad()) expected = net.call(x);
        net.train();
        foreach (int chunk in new[] { 1, 3, 10, 64 })
        {
            var got = EvalPass.Collect(10, chunk, (s, n) => net.call(x.narrow(0, s, n)), [net]);
            Assert.Equal(new long[] { 10, 3 }, got.shape);
            Assert.True(got.allclose(expected, rtol: 0, atol: 1e-6), $"chunk {chunk}: differs from one eval forward");
            Assert.False(got.requires_grad);
        }
    }

    [Fact]
    public void RunsInInferenceModeYetCollectReturnsATensorATrainableHeadCanBeFedWith()
    {
        var net = Net();
        var x = torch.randn(6, 4, generator: new torch.Generator(3));
        Assert.True(EvalPass.Run(() => torch.is_inference_mode_enabled(), net));
        Assert.False(torch.is_inference_mode_enabled());
        // The cached features feed a trainable head: autograd must be able to save them for the backward pass.
        // An inference tensor would make backward() throw ("Inference tensors cannot be saved for backward").
        foreach (int chunk in new[] { 2, 6 })
        {
            var features = EvalPass.Collect(6, chunk, (s, n) => net.call(x.narrow(0, s, n)), [net]);
            var head = nn.Linear(3, 2);
            head.call(features).pow(2).sum().backward();
            Assert.NotNull(head.weight!.grad);
            features.add_(1);   // and it can be changed in place (an inference tensor cannot, outside inference mode)
        }
    }

    [Fact]
    public void EveryModuleGetsItsOwnModeBack()
    {
        var net = Net();
        net.train();
        var bn = net.modules().OfType<TorchSharp.Modules.BatchNorm1d>().Single();
        bn.eval(); // e.g. a frozen BatchNorm kept in eval while the rest trains
        bool sawEval = false;
        EvalPass.Run(() => sawEval = !net.training && net.modules().All(m => !m.training), net);
        Assert.True(sawEval);
        Assert.True(net.training);
        Assert.False(bn.training);
        Assert.True(net.modules().OfType<TorchSharp.Modules.Dropout>().Single().training);
    }

    [Fact]
    public void TensorBatchesVersionKeepsRowOrderAndRefusesShuffledBatches()
    {
        var net = Net();
        var x = torch.randn(7, 4, generator: new torch.Generator(2));
        var batches = new TensorBatches([x], batchSize: 3, shuffle: false);
        var got = EvalPass.Collect(batches, b => net.call(b[0]), [net]);
        var expected = EvalPass.Run(() => net.call(x), net);
        Assert.True(got.allclose(expected, rtol: 0, atol: 1e-6));
        var error = Assert.Throws<ArgumentException>(() => EvalPass.Collect(batches.WithShuffle(true, 0), b => net.call(b[0]), [net]));
        Assert.Contains("unshuffled", error.Message);
    }

    [Fact]
    public void AStepReturningTheWrongRowCountIsNamed()
    {
        var net = Net();
        var error = Assert.Throws<InvalidOperationException>(() =>
            EvalPass.Collect(5, 2, (s, n) => torch.zeros(1, 3), [net]));
        Assert.Contains("rows 0…1", error.Message);
        Assert.Contains("return 2 rows", error.Message);
    }

    [Fact]
    public void NoTensorOutlivesThePassButTheResult()
    {
        var net = Net();
        var x = torch.randn(50, 4, generator: new torch.Generator(3));
        using (var warm = EvalPass.Collect(50, 7, (s, n) => net.call(x.narrow(0, s, n)), [net])) { }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var result = EvalPass.Collect(50, 7, (s, n) => net.call(x.narrow(0, s, n)), [net])) { }
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
