using TorchSharp.Modules;
using Tutorials.Combining;
using Tutorials.Training;
using Tutorials.Tests.Support;
using Tutorials.Data;
using Tutorials.Notebooks;

namespace Tutorials.Tests.Combining;

public class WeightAveragingTests
{
    // A small model with a BatchNorm, so parameters and buffers (running stats, num_batches_tracked) are both covered.
    sealed class Net : nn.Module<Tensor, Tensor>
    {
        readonly Linear fc1;
        readonly BatchNorm1d bn;
        readonly Linear fc2;
        public Net(int hidden = 8) : base("Net")
        {
            fc1 = nn.Linear(4, hidden);
            bn = nn.BatchNorm1d(hidden);
            fc2 = nn.Linear(hidden, 3);
            RegisterComponents();
        }
        public override Tensor forward(Tensor x) => fc2.call(nn.functional.relu(bn.call(fc1.call(x))));
        public BatchNorm1d Norm => bn;
    }

    static Net Trained(long seed)
    {
        torch.manual_seed(seed);
        var net = new Net();
        net.train();
        using (torch.no_grad()) for (int i = 0; i < 3; i++) net.call(torch.randn(16, 4) * (seed + 1));   // move the running stats
        net.eval();
        return net;
    }

    static Dictionary<string, Tensor> State(nn.Module m) => m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    [Fact]
    public void AlphaZeroAndOneGiveExactCopies()
    {
        var a = Trained(1);
        var b = Trained(2);
        var target = new Net();
        WeightAveraging.Interpolate(target, a, b, 0);
        foreach (var (name, value) in a.state_dict()) Assert.True(Tensors.Same(value, target.state_dict()[name]), name);
        WeightAveraging.Interpolate(target, a, b, 1);
        foreach (var (name, value) in b.state_dict()) Assert.True(Tensors.Same(value, target.state_dict()[name]), name);
    }

    [Fact]
    public void AlphaHalfIsTheMeanOfParametersAndRunningStatistics()
    {
        var a = Trained(1);
        var b = Trained(2);
        var target = new Net();
        WeightAveraging.Interpolate(target, a, b, 0.5);
        var sa = a.state_dict();
        var sb = b.state_dict();
        foreach (var (name, value) in target.state_dict())
        {
            if (name.EndsWith("num_batches_tracked"))
            {
                Assert.Equal(ScalarType.Int64, value.dtype);            // integer buffer copied, not averaged
                Assert.Equal(sb[name].item<long>(), value.item<long>());
                continue;
            }
            var mean = (sa[name] + sb[name]) / 2;
            Assert.True((value - mean).abs().max().item<float>() < 1e-6f, name);
        }
        // The running statistics really were different, so the test checks averaging, not copying.
        Assert.False(Tensors.Same(sa["bn.running_mean"], sb["bn.running_mean"]));
    }

    [Fact]
    public void MismatchedArchitecturesNameTheFirstMismatchAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => WeightAveraging.Interpolate(new Net(8), new Net(8), new Net(6), 0.5));
        Assert.Contains("'fc1.weight'", e.Message);
        Assert.Contains("[8, 4]", e.Message);
        Assert.Contains("[6, 4]", e.Message);
        var t = Assert.Throws<ArgumentException>(() => WeightAveraging.Interpolate(new Net(6), new Net(8), new Net(8), 0.5));
        Assert.Contains("the target", t.Message);
        var d = Assert.Throws<ArgumentException>(() => WeightAveraging.CheckSameArchitecture(new Net(), nn.Linear(4, 3)));
        Assert.Contains("different architectures", d.Message);
    }

    [Fact]
    public void RecomputeBatchNormMeasuresTheDataAndLeavesWeightsAlone()
    {
        var net = Trained(3);
        var before = State(net);
        torch.manual_seed(4);
        var data = torch.randn(64, 4) * 2 + 1;
        int updated = WeightAveraging.RecomputeBatchNorm(net, new TensorBatches(16, data), b => net.call(b[0]));
        Assert.Equal(1, updated);
        Assert.False(net.training);
        Assert.Equal(0.1, net.Norm.momentum);                           // the layer's own momentum is put back
        // Cumulative average over 4 equal batches = the mean of fc1's output over all 64 rows.
        var fc1 = net.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var expectedMean = nn.functional.linear(data, fc1["fc1.weight"], fc1["fc1.bias"]).mean([0]);
        Assert.True((net.Norm.running_mean! - expectedMean).abs().max().item<float>() < 1e-4f);
        Assert.Equal(4, net.Norm.num_batches_tracked!.item<long>());
        foreach (var (name, p) in net.named_parameters()) Assert.True(Tensors.Same(before[name], p), name);
        // Deterministic: a second pass gives the same statistics bit for bit.
        var first = net.Norm.running_var!.clone();
        WeightAveraging.RecomputeBatchNorm(net, new TensorBatches(16, data), b => net.call(b[0]));
        Assert.True(Tensors.Same(first, net.Norm.running_var!));
    }

    [Fact]
    public void Layer4ClassifierStartsFromThePretrainedLayer4()
    {
        var backbone = new Tutorials.Backbones.ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 2]);
        var stage = Layer4Classifier.FromPretrained(backbone, classes: 3);
        var source = backbone.state_dict();
        foreach (var (name, value) in stage.state_dict().Where(kv => kv.Key.StartsWith("layer4.")))
            Assert.True(Tensors.Same(source[name], value), name);
        var maps = backbone.FeatureMapAt(torch.randn(2, 3, 64, 64), "layer3");
        Assert.Equal(new long[] { 2, 3 }, stage.call(maps).shape);
        var e = Assert.Throws<ArgumentException>(() => stage.call(torch.zeros(2, 5, 4, 4)));
        Assert.Contains("(N, 32, H, W)", e.Message);   // layer3 of a width-8 ResNet: 4 × 8 channels
    }
}
