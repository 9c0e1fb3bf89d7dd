using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Fusion;
using Tutorials.Segmentation;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

// Notebook 02: partial freezing (with BatchNorm kept in eval) and a learning rate per part.
public static partial class Exercises
{
    static readonly string[] FrozenStages02 = ["layer1", "layer2"];

    static bool IsUnder(string name, string prefix) => name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

    /// <summary>
    /// Exercise 02.1. <paramref name="freeze"/>(backbone) is called right after <c>backbone.train()</c> and must
    /// freeze layer1 and layer2 only (every parameter under them: requires_grad = false; the stem, layer3 and
    /// layer4 keep training) and put their BatchNorm layers in eval mode, so that their running statistics stay
    /// put. Checked on a tiny ResNet (width 4, one block per stage, random weights).
    /// </summary>
    public static ExerciseVerdict CheckFreezeLayer1And2(Action<ResNetBackbone> freeze) =>
        Judge("Exercise 02.1 (freeze layer1 and layer2, BatchNorm in eval)", () =>
        {
            SeedForCheck(201);
            var backbone = new ResNetBackbone(baseWidth: 4, blocksPerStage: [1, 1, 1, 1]);
            backbone.train();
            freeze(backbone);

            var parameters = backbone.named_parameters().ToList();
            if (parameters.All(p => p.parameter.requires_grad))
                throw new NotDoneYet("Every parameter still has requires_grad = true. Set it to false for the parameters under layer1 and layer2.");
            foreach (var (name, p) in parameters)
            {
                bool shouldFreeze = FrozenStages02.Any(s => IsUnder(name, s));
                if (shouldFreeze && p.requires_grad)
                    throw new WrongAnswer($"'{name}' still trains (requires_grad = true), but it is in {name.Split('.')[0]}, which should be frozen. " +
                                          "Loop over backbone.named_parameters() and freeze every name that starts with \"layer1.\" or \"layer2.\".");
                if (!shouldFreeze && !p.requires_grad)
                    throw new WrongAnswer($"'{name}' is frozen, but only layer1 and layer2 should be: {(name.StartsWith("layer") ? name.Split('.')[0] : "the stem (conv1, bn1)")} must keep training. " +
                                          "Match names by their stage prefix (\"layer1.\", \"layer2.\"), not by what they contain.");
            }
            foreach (var (name, m) in backbone.named_modules().Where(m => m.module is BatchNorm2d))
            {
                bool shouldBeEval = FrozenStages02.Any(s => IsUnder(name, s));
                if (shouldBeEval && m.training)
                    throw new WrongAnswer($"The parameters are frozen correctly, but the BatchNorm '{name}' is still in training mode: every forward pass would move its " +
                                          "running_mean and running_var, so the \"frozen\" stage would drift. Call .eval() on the BatchNorm modules under layer1 and layer2 " +
                                          "(backbone.named_modules()), after backbone.train().");
                if (!shouldBeEval && !m.training)
                    throw new WrongAnswer($"The BatchNorm '{name}' was put in eval mode, but it belongs to a stage that trains; only layer1's and layer2's BatchNorm should be in eval. " +
                                          "(Calling backbone.eval() switches everything off; switch only the frozen stages' BatchNorm.)");
            }
            // The behaviour that matters: a training-mode forward pass leaves the frozen stages' statistics alone.
            var before = backbone.named_buffers().Where(b => FrozenStages02.Any(s => IsUnder(b.name, s))).ToDictionary(b => b.name, b => b.buffer.clone());
            using (torch.no_grad()) backbone.call(torch.randn(2, 3, 32, 32));
            foreach (var (name, buffer) in backbone.named_buffers().Where(b => before.ContainsKey(b.name)))
                if (!Identical(buffer, before[name]))
                    throw new WrongAnswer($"After a forward pass the buffer '{name}' changed, but it is in a frozen stage.");
            int frozen = parameters.Count(p => !p.parameter.requires_grad);
            return $"{frozen} parameter tensors in layer1 and layer2 are frozen, their BatchNorm is in eval mode (a forward pass left their running statistics unchanged), and the stem, layer3 and layer4 still train.";
        });

    /// <summary>
    /// Exercise 02.2. <paramref name="makeOptimizer"/>(model) receives a small <see cref="RgbdSegmenter"/> whose
    /// backbone is already frozen up to its fusion stage (layer1), and must return an Adam optimizer with two
    /// parameter groups: model A's still-trainable parameters (backbone stages after the fusion point, decoder) at
    /// 1e-4 (trained already: move slowly) and every new part (depth branch, bridge) at 1e-3. Frozen parameters stay out.
    /// </summary>
    public static ExerciseVerdict CheckLearningRatePerPart(Func<RgbdSegmenter, optim.Optimizer> makeOptimizer) =>
        Judge("Exercise 02.2 (a learning rate per part)", () =>
        {
            SeedForCheck(202);
            var backbone = new ResNetBackbone(baseWidth: 4, blocksPerStage: [1, 1, 1, 1]);
            var model = new RgbdSegmenter(new ResNetSegmenter(backbone, numClasses: 3, decoderWidth: 8), "layer1", depthWidth: 4);
            FusionTraining.FreezeBackboneUpTo(backbone, "layer1");

            var optimizer = NotNull(makeOptimizer(model), "function");
            var rateOf = new Dictionary<IntPtr, List<double>>();
            foreach (var group in optimizer.ParamGroups)
                if (group is ParamGroup g)
                    foreach (var p in g.Parameters)
                    {
                        if (!rateOf.TryGetValue(p.Handle, out var rates)) rateOf[p.Handle] = rates = [];
                        rates.Add(group.LearningRate);
                    }
            foreach (var (name, p) in model.named_parameters())
            {
                bool pretrained = IsUnder(name, "rgb");   // model A: backbone and decoder
                rateOf.TryGetValue(p.Handle, out var rates);
                if (!p.requires_grad)
                {
                    if (rates is not null)
                        throw new WrongAnswer($"'{name}' is frozen but was given to the optimizer. Pass only parameters with requires_grad = true " +
                                              "(filter model A's parameters with p.requires_grad).");
                    continue;
                }
                if (rates is null)
                    throw new WrongAnswer($"'{name}' trains (requires_grad = true) but is in no parameter group, so it would never change. " +
                                          (pretrained ? "Add model A's trainable parameters (backbone and decoder, model.Rgb) as a group with lr 1e-4." : "Add every new part (depth branch, bridge) as a group with lr 1e-3."));
                if (rates.Count > 1)
                    throw new WrongAnswer($"'{name}' is in {rates.Count} parameter groups (learning rates {string.Join(", ", rates)}); each parameter belongs to exactly one.");
                double expected = pretrained ? 1e-4 : 1e-3;
                if (Math.Abs(rates[0] - expected) > 1e-12)
                    throw new WrongAnswer($"'{name}' gets learning rate {rates[0]}, expected {expected}: " +
                                          (pretrained ? "it is part of model A (a backbone stage after the fusion point, or A's decoder), which is trained already and should adapt slowly (1e-4)."
                                                      : "it is a new part (depth branch or bridge), which starts random and should learn fast (1e-3)."));
            }
            return "Model A's stages after layer1 and its decoder learn at 1e-4, the depth branch and bridge at 1e-3, and the frozen stages are left out.";
        });
}
