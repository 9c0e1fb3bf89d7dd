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
    /// <summary>Exercise 02.1: freeze layer1 and layer2 only, and keep their BatchNorm in eval mode.</summary>
    public static void FreezeLayer1And2(ResNetBackbone backbone)
    {
        static bool InFrozenStage(string name) => name.StartsWith("layer1.") || name.StartsWith("layer2.");

        // 1. No gradients for the frozen stages: the optimizer will leave their weights alone.
        foreach (var (name, parameter) in backbone.named_parameters())
            if (InFrozenStage(name)) parameter.requires_grad = false;

        // 2. BatchNorm's running mean/variance are buffers, not parameters: requires_grad does not stop them.
        //    In training mode every forward pass would move them, so the frozen stages' BatchNorm go to eval.
        foreach (var (name, module) in backbone.named_modules())
            if (module is BatchNorm2d && InFrozenStage(name)) module.eval();
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
