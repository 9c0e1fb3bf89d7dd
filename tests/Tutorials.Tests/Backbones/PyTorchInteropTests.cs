using System.Collections;
using TorchSharp.PyBridge;
using Tutorials.Backbones;
using Tutorials.Pretrained;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// ResNetBackbone's parameter names are PyTorch's, so checkpoints move between the two by name. The fixture in
/// data/pytorch-fixtures/ was written by real PyTorch (1.13, Debian python3-torch) from
/// scripts/pytorch-fixtures/make_resnet_fixture.py: a width-8 ResNet with blocks [2, 2, 2, 3], randomised
/// batch-norm statistics, a fixed input and PyTorch's output and layer2 map for it. PyTorch is not needed to run
/// these tests. Tolerance: max |difference| ≤ 1e-5 (same float32 operations; only summation order may differ).
/// </summary>
[Trait("Category", "Slow")]
public class PyTorchInteropTests
{
    const float Tolerance = 1e-5f;
    static string Fixture(string name) => RepoFiles.Path($"data/pytorch-fixtures/{name}");

    [Theory]
    [InlineData("resnet_w8_state_dict.pt", "checked")]        // torch.save(model.state_dict()), via PyTorchCheckpoint
    [InlineData("resnet_w8.safetensors", "checked")]          // the same tensors in safetensors format
    [InlineData("resnet_w8_state_dict.pt", "pybridge")]       // PyBridge's own extension methods
    [InlineData("resnet_w8.safetensors", "pybridge")]
    public void PyTorchCheckpointGivesPyTorchsOutput(string file, string loader)
    {
        using var scope = torch.NewDisposeScope();
        using var model = new ResNetBackbone(baseWidth: 8);
        if (loader == "checked") PyTorchCheckpoint.LoadInto(model, Fixture(file));
        else if (file.EndsWith(".pt")) model.load_py(Fixture(file), strict: true);
        else model.load_safetensors(Fixture(file), strict: true);
        model.eval();

        var io = PyTorchUnpickler.UnpickleStateDict(Fixture("resnet_w8_io.pt"));
        var input = Get(io, "input");
        using var noGrad = torch.no_grad();
        var output = model.forward(input);
        var layer2 = model.FeatureMapAt(input, "layer2");

        float outputDifference = (output - Get(io, "output")).abs().max().item<float>();
        float layer2Difference = (layer2 - Get(io, "layer2")).abs().max().item<float>();
        Console.WriteLine($"{file} ({loader}): max |TorchSharp - PyTorch| output {outputDifference:E2}, layer2 {layer2Difference:E2}");
        Assert.Equal(new long[] { 2, 64 }, output.shape);
        Assert.True(outputDifference <= Tolerance, $"{file}: pooled output differs by {outputDifference:E2} > {Tolerance:E0}");
        Assert.True(layer2Difference <= Tolerance, $"{file}: layer2 map differs by {layer2Difference:E2} > {Tolerance:E0}");
    }

    [Theory]
    [InlineData("pt")]
    [InlineData("safetensors")]
    public void SaveForPyTorchAndLoadBackIsExact(string format)
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(Path.GetTempPath(), $"resnet-roundtrip-{Guid.NewGuid():N}.{format}");
        try
        {
            torch.manual_seed(1);
            using var original = new ResNetBackbone(baseWidth: 8);
            original.eval();
            if (format == "pt") original.save_py(path); else original.save_safetensors(path);

            torch.manual_seed(2);                        // different starting weights: the load must replace all of them
            using var copy = new ResNetBackbone(baseWidth: 8);
            PyTorchCheckpoint.LoadInto(copy, path);
            copy.eval();

            using var noGrad = torch.no_grad();
            var x = torch.randn(2, 3, 64, 64);
            Assert.Equal(0f, (original.forward(x) - copy.forward(x)).abs().max().item<float>());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void CheckpointOfAnotherWidthIsRefusedWithTheTensorNamed()
    {
        using var model = new ResNetBackbone(baseWidth: 16);
        var error = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.LoadInto(model, Fixture("resnet_w8_state_dict.pt")));
        Assert.Contains("'conv1.weight': the module expects 16x3x7x7, the checkpoint has 8x3x7x7", error.Message);
        Assert.Contains("width and block layout", error.Message);
    }

    [Fact]
    public void ClassifierHeadIsReportedAndCanBeSkipped()
    {
        using var scope = torch.NewDisposeScope();
        var path = Path.Combine(Path.GetTempPath(), $"resnet-with-fc-{Guid.NewGuid():N}.safetensors");
        try
        {
            using var source = new ResNetBackbone(baseWidth: 8);
            var withHead = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
            withHead["fc.weight"] = torch.zeros(10, 64);     // as in a torchvision classifier checkpoint
            withHead["fc.bias"] = torch.zeros(10);
            Safetensors.SaveStateDict(path, withHead);

            using var model = new ResNetBackbone(baseWidth: 8);
            var error = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.LoadInto(model, path));
            Assert.Contains("unexpected 'fc.weight' (10x64)", error.Message);
            Assert.Contains("skip: [\"fc.weight\", \"fc.bias\"]", error.Message);

            PyTorchCheckpoint.LoadInto(model, path, skip: ["fc.weight", "fc.bias"]);
        }
        finally { File.Delete(path); }
    }

    static Tensor Get(Hashtable stateDict, string key) =>
        stateDict[key] as Tensor ?? throw new InvalidDataException($"resnet_w8_io.pt has no tensor '{key}'.");
}
