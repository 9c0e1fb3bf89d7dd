using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Contrastive;
using Tutorials.Data;
using Tutorials.Fusion;
using Tutorials.Segmentation;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Losses;

namespace Tutorials.Benchmarks;

/// <summary>One training step of a notebook, as the notebook builds it: model, optimizer, batches and loss.</summary>
sealed record Workload(string Name, string Description, nn.Module Model, optim.Optimizer Optimizer, TensorBatches Batches,
    Func<Tensor[], Tensor> Loss);

/// <summary>
/// The two kit workloads the vs-pytorch benchmark times, built with the library's public API exactly as the notebooks
/// build them, except that weights are randomly initialised and batches are random tensors of the notebooks' shapes:
/// step time depends on shapes, not on values (scripts/benchmarks/vs_pytorch.py builds the same in PyTorch).
/// </summary>
static class KitWorkloads
{
    /// <summary>
    /// Notebook 02: ResNet segmenter (blocks [2, 2, 2, 3], FPN decoder, 4 classes) with a depth branch fused by a
    /// residual bridge at layer1; stem and layer1 frozen (their BatchNorm in eval); Adam, 1e-4 for layer2–4 and
    /// 1e-3 for the new parts; batch 16 of 64×64 RGB + depth, per-pixel cross-entropy.
    /// </summary>
    public static Workload Segmenter(int stepsPerRound, int batchSize = 16, int side = 64)
    {
        Kit.Seed(0);
        int classes = SyntheticRgbd.ClassNames.Count;
        var backbone = new ResNetBackbone();
        var model = new RgbdSegmenter(new ResNetSegmenter(backbone, numClasses: classes), "layer1");
        FusionTraining.FreezeBackboneUpTo(backbone, "layer1");
        var optimizer = optim.Adam(new Adam.ParamGroup[]
        {
            new(FusionTraining.FineTunedParameters(backbone), lr: 1e-4),
            new(FusionTraining.NewParameters(model, backbone), lr: 1e-3),
        });
        long rows = (long)batchSize * stepsPerRound;
        var batches = new TensorBatches(
            [torch.randn(rows, 3, side, side), torch.rand(rows, 1, side, side), torch.randint(0, classes, [rows, side, side])],
            batchSize, shuffle: false, dropLast: true);
        return new Workload("segmenter", $"notebook 02 RGB+D segmenter step (fused at layer1), batch {batchSize}×{side}×{side}",
            model, optimizer, batches, b => nn.functional.cross_entropy(model.call(b[0], b[1]), b[2]));
    }

    /// <summary>
    /// Notebook 03: image tower (ResNet layer4 trained on cached layer3 maps, BatchNorm frozen, MLP head 512→128) and
    /// text tower (MiniLM's last layer trained on cached hidden states, MLP head 384→128), InfoNCE with a learned
    /// temperature; Adam 1e-4 / 3e-5 / 1e-3; batch 64, layer3 maps 256×4×4 (64×64 images), 16 tokens.
    /// </summary>
    public static Workload Towers(int stepsPerRound, int batchSize = 64, int tokens = 16)
    {
        Kit.Seed(0);
        var image = new ImageTower(new ResNetBackbone(), new MlpProjection(512, 128));
        var text = new TextTower(new BertEncoder(BertConfig.MiniLmL6), new MlpProjection(384, 128), trainableLayers: 1);
        var model = new ContrastiveModel(image, text);
        var optimizer = optim.Adam(new Adam.ParamGroup[]
        {
            new(model.Image.Backbone.parameters().Where(p => p.requires_grad), lr: 1e-4),
            new(model.Text.Bert.parameters().Where(p => p.requires_grad), lr: 3e-5),
            new(model.HeadParameters().Append(model.LogitScale), lr: 1e-3),
        });
        long rows = (long)batchSize * stepsPerRound;
        // Captions of 8 to 16 tokens, padded to 16: the mask is 1 on each caption's tokens.
        var lengths = torch.randint(8, tokens + 1, [rows, 1]);
        var mask = torch.arange(tokens).unsqueeze(0).lt(lengths).to_type(ScalarType.Int64);
        var batches = new TensorBatches(
            [torch.randn(rows, 256, 4, 4), torch.randn(rows, tokens, 384), mask],
            batchSize, shuffle: false, dropLast: true);
        return new Workload("towers", $"notebook 03 top-layer tower step (ResNet layer4 + MiniLM layer 6 + heads, InfoNCE), batch {batchSize}",
            model, optimizer, batches, b => ContrastiveLosses.InfoNce(model.Image.call(b[0]), model.Text.call(b[1], b[2]), model.LogitScale));
    }
}
