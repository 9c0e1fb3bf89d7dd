using TorchSharp.PyBridge;
using Tutorials.Backbones;
using Xunit.Abstractions;
using Tutorials.Pretrained;

namespace Tutorials.Tests.Backbones;

/// <summary>
/// PyTorch interoperability: a tiny BERT written and run in real PyTorch 1.13
/// (scripts/pytorch-fixtures/make_bert_fixture.py) saved its state dict, a safetensors copy and one
/// input/output pair under data/pytorch-fixtures/. Loaded by name into BertEncoder, the same input must give
/// the same last_hidden_state. CI only reads the committed files; it needs no Python.
/// </summary>
public class BertPyTorchFixtureTests(ITestOutputHelper output)
{
    const double Tolerance = 1e-5;

    [Theory]
    [InlineData("bert-tiny-state_dict.pt")]
    [InlineData("bert-tiny.safetensors")]
    public void SameInputGivesPyTorchsOutput(string file)
    {
        using var encoder = PyTorchCheckpoint.LoadBert(new BertEncoder(BertConfig.Tiny), BertTestFiles.Fixture(file));
        double diff = MaxDiffOnFixtureInput(encoder);
        output.WriteLine($"{file}: max |diff| vs PyTorch {diff:E2}");
        Assert.True(diff <= Tolerance, $"{file}: output differs from PyTorch's by {diff:E2} (tolerance {Tolerance:E0})");
    }

    [Fact]
    public void PyBridgesOwnLoaderAcceptsTheNamesDirectly()
    {
        // No renaming layer: TorchSharp.PyBridge matches the file's keys to BertEncoder's parameter names.
        // strict: false only because the file also holds position_ids and the pooler, which BertEncoder lacks.
        using var encoder = new BertEncoder(BertConfig.Tiny);
        var loaded = new Dictionary<string, bool>();
        encoder.load_py(BertTestFiles.Fixture("bert-tiny-state_dict.pt"), strict: false, loadedParameters: loaded);
        var names = encoder.named_parameters().Select(p => p.name).ToList();
        Assert.Equal(5 + 2 * 16, names.Count);                          // embeddings + 16 per layer
        Assert.All(names, n => Assert.True(loaded.GetValueOrDefault(n), $"{n} was not loaded"));
        Assert.True(MaxDiffOnFixtureInput(encoder) <= Tolerance);
    }

    [Fact]
    public void SaveAsSafetensorsAndPtThenLoadBackGivesTheSameOutputs()
    {
        var dir = Directory.CreateTempSubdirectory("bert-roundtrip-");
        try
        {
            using var original = PyTorchCheckpoint.LoadBert(new BertEncoder(BertConfig.Tiny), BertTestFiles.Fixture("bert-tiny-state_dict.pt"));
            var st = Path.Combine(dir.FullName, "encoder.safetensors");
            var pt = Path.Combine(dir.FullName, "encoder.pt");
            original.save_safetensors(st);
            original.save_py(pt);
            foreach (var path in new[] { st, pt })
            {
                using var copy = PyTorchCheckpoint.LoadBert(new BertEncoder(BertConfig.Tiny), path);
                Assert.True(MaxDiffOnFixtureInput(copy) <= Tolerance, $"round trip through {Path.GetFileName(path)}");
            }
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void AConfigThatDoesNotFitTheCheckpointIsNamedInTheError()
    {
        using var wrongSizes = new BertEncoder(BertConfig.Tiny with { IntermediateSize = 48, NumLayers = 3 });
        var e = Assert.Throws<InvalidDataException>(() => PyTorchCheckpoint.LoadBert(wrongSizes, BertTestFiles.Fixture("bert-tiny.safetensors")));
        Assert.Contains("bert-tiny.safetensors", e.Message);
        Assert.Contains("missing (encoder.layer.2.", e.Message);                                  // a layer the file lacks
        Assert.Contains("encoder.layer.0.intermediate.dense.weight: expected [48, 32], got [64, 32]", e.Message);
        Assert.Contains("config.json", e.Message);                                                // what to do
    }

    /// <summary>Runs the fixture's saved input through <paramref name="encoder"/>; max |ours − PyTorch's|.</summary>
    static double MaxDiffOnFixtureInput(BertEncoder encoder)
    {
        using var scope = torch.NewDisposeScope();
        var io = PyTorchUnpickler.UnpickleStateDict(BertTestFiles.Fixture("bert-tiny-io.pt"));
        var expected = (Tensor)io["last_hidden_state"]!;
        encoder.eval();
        using var _ = torch.no_grad();
        var ours = encoder.call((Tensor)io["input_ids"]!, (Tensor)io["attention_mask"]!, (Tensor)io["token_type_ids"]!);
        Assert.Equal(expected.shape, ours.shape);
        // Compare real tokens; padded positions are never read by pooling (and differ with the mask constant).
        var real = ((Tensor)io["attention_mask"]!).unsqueeze(-1).to(ScalarType.Bool);
        return (ours - expected).abs().masked_select(real).max().item<float>();
    }
}
