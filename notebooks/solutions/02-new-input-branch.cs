// Solutions to the exercises of notebook 02 (02-new-input-branch.ipynb).
// Try each exercise in the notebook first; the check cell tells you what is off. Each method body here is what
// goes into the notebook's stub cell. The test suite checks these solutions with the same checks
// (tests/Tutorials.Tests/Exercises/).
using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Fusion;
using static TorchSharp.torch;

namespace Tutorials.Solutions;

public static class Notebook02
{
    /// <summary>
    /// Exercise 02.1: in layer1 and layer2, freeze the convolutions and keep BatchNorm's scale and shift learning,
    /// with the BatchNorm's running statistics fixed (eval mode).
    /// </summary>
    public static void FreezeConvolutions(ResNetBackbone backbone)
    {
        static bool InAdaptedStage(string name) => name.StartsWith("layer1.") || name.StartsWith("layer2.");

        foreach (var (name, module) in backbone.named_modules())
        {
            if (!InAdaptedStage(name)) continue;
            // 1. Convolutions, by type: conv1, conv2, and the shortcut's 1×1 convolution layer2.0.downsample.0.
            if (module is Conv2d)
                foreach (var parameter in module.parameters()) parameter.requires_grad = false;
            // 2. BatchNorm keeps requires_grad on its weight (γ) and bias (β), so they learn. Its running mean and
            //    variance are buffers that a training-mode forward pass moves: eval mode keeps them put (and γ, β
            //    still get gradients in eval mode). backbone.train() undoes this, so call again after every train().
            else if (module is BatchNorm2d)
                module.eval();
        }
    }

    /// <summary>Exercise 02.2: one optimizer, a learning rate per part.</summary>
    public static optim.Optimizer MakeOptimizer(RgbdSegmenter model)
    {
        // Model A (backbone stages after the fusion point, and its decoder): trained already, so it moves slowly.
        var modelA = model.Rgb.parameters().Where(p => p.requires_grad).ToList();
        // The new parts (depth branch, bridge): random start, learn fast.
        var fresh = model.Depth.parameters().Concat(model.Bridge.parameters()).Where(p => p.requires_grad).ToList();
        return optim.Adam(new Adam.ParamGroup[]
        {
            new(modelA, lr: 1e-4),
            new(fresh, lr: 1e-3),
        });
    }
}
