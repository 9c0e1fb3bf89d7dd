using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Fusion;
using Tutorials.Segmentation;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

// Notebook 02: freezing the convolutions while BatchNorm's scale and shift learn (BatchNorm in eval), and a learning rate per part.
public static partial class Exercises
{
    static readonly string[] AdaptedStages02 = ["layer1", "layer2"];

    static bool IsUnder(string name, string prefix) => name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

    /// <summary>"layer1", "layer2", or null when <paramref name="name"/> lies outside the two stages.</summary>
    static string? AdaptedStageOf(string name) => AdaptedStages02.FirstOrDefault(s => IsUnder(name, s));

    /// <summary>Where a parameter outside layer1/layer2 lives, in words: "the stem (conv1, bn1)", "layer3", "layer4".</summary>
    static string PartOf(string name) => name.StartsWith("layer", StringComparison.Ordinal) ? name.Split('.')[0] : "the stem (conv1, bn1)";

    /// <summary>
    /// Exercise 02.1. <paramref name="freezeConvolutions"/>(backbone) is called right after <c>backbone.train()</c>. In
    /// layer1 and layer2 it must freeze every convolution's weight (requires_grad = false; the shortcut's 1×1
    /// convolution <c>layer2.0.downsample.0</c> included), keep every BatchNorm's scale γ and shift β trainable
    /// (<c>weight</c>, <c>bias</c>: requires_grad = true) and put those BatchNorm layers in eval mode, so that their
    /// running mean and variance stay put. The stem, layer3 and layer4 are left alone: trainable, BatchNorm in training
    /// mode. Checked on a tiny ResNet (width 8, one block per stage, random weights): the flags, the modes, and one SGD
    /// step on a random batch (γ/β move, the convolutions and the running statistics stay bit-identical, the rest moves).
    /// The reference is written from this spec, by module type (<c>Conv2d</c>, <c>BatchNorm2d</c>), not with the kit's
    /// Freezer, which freezes a stage whole, γ and β included.
    /// </summary>
    public static ExerciseVerdict CheckFreezeConvolutionsKeepBatchNorm(Action<ResNetBackbone> freezeConvolutions) =>
        Judge("Exercise 02.1 (freeze the convolutions, keep BatchNorm's scale and shift learning)", () =>
        {
            SeedForCheck(201);
            var backbone = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
            backbone.train();
            freezeConvolutions(backbone);

            // The reference, from the spec: which parameter belongs to a convolution, which to a BatchNorm.
            var convolutionParameters = new HashSet<string>();
            var batchNormParameters = new HashSet<string>();
            var batchNorms = new List<(string name, nn.Module module)>();
            foreach (var (name, module) in backbone.named_modules())
            {
                if (module is Conv2d)
                    foreach (var (p, _) in module.named_parameters()) convolutionParameters.Add($"{name}.{p}");
                else if (module is BatchNorm2d)
                {
                    foreach (var (p, _) in module.named_parameters()) batchNormParameters.Add($"{name}.{p}");
                    batchNorms.Add((name, module));
                }
            }
            var parameters = backbone.named_parameters().ToList();
            var inStages = parameters.Where(p => AdaptedStageOf(p.name) is not null).ToList();
            var stageConvolutions = inStages.Where(p => convolutionParameters.Contains(p.name)).ToList();
            var stageAffine = inStages.Where(p => batchNormParameters.Contains(p.name)).ToList();

            if (parameters.All(p => p.parameter.requires_grad) && batchNorms.All(b => b.module.training))
                throw new NotDoneYet("Nothing changed yet: every parameter still has requires_grad = true and every BatchNorm is in training mode.");

            // 1. Outside layer1 and layer2 nothing is frozen.
            var frozenOutside = parameters.Where(p => AdaptedStageOf(p.name) is null && !p.parameter.requires_grad).ToList();
            if (frozenOutside.Count > 0)
            {
                var frozen = parameters.Where(p => !p.parameter.requires_grad).Select(p => p.name).ToHashSet();
                if (frozen.SetEquals(batchNormParameters))
                    throw new WrongAnswer($"'{frozenOutside[0].name}' is frozen, and so is every BatchNorm's scale and shift, while the convolutions train: " +
                                          "that is the kit's Freezer.FreezeBatchNorm, the opposite of this exercise. Here γ and β keep learning and the " +
                                          "convolutions of layer1 and layer2 are frozen.");
                throw new WrongAnswer($"'{frozenOutside[0].name}' is frozen, but only layer1 and layer2 change: {PartOf(frozenOutside[0].name)} must keep training. " +
                                      "Match names by their stage prefix (\"layer1.\", \"layer2.\"), not by what they contain.");
            }

            // 2. The roles swapped: BatchNorm frozen, convolutions training.
            if (stageAffine.All(p => !p.parameter.requires_grad) && stageConvolutions.All(p => p.parameter.requires_grad))
                throw new WrongAnswer($"It is the wrong way round: BatchNorm's scale and shift are frozen ('{stageAffine[0].name}') and the convolutions still " +
                                      $"train ('{stageConvolutions[0].name}'). Freeze the convolution weights (module is Conv2d) and leave γ and β (the " +
                                      "BatchNorm's weight and bias) trainable.");

            // 3. γ and β keep learning.
            var frozenAffine = stageAffine.FirstOrDefault(p => !p.parameter.requires_grad);
            if (frozenAffine.parameter is not null)
            {
                string what = frozenAffine.name.EndsWith(".weight", StringComparison.Ordinal) ? "scale γ" : "shift β";
                if (inStages.All(p => !p.parameter.requires_grad))
                    throw new WrongAnswer($"'{frozenAffine.name}' (a BatchNorm's {what}) is frozen, as is everything else in layer1 and layer2. That is what the " +
                                          "kit's Freezer.Freeze(backbone, \"layer1\", \"layer2\") does: it freezes a stage whole, γ and β included (and puts " +
                                          "its BatchNorm in eval). This exercise keeps γ and β learning: freeze only the convolution weights, and put the " +
                                          "BatchNorm in eval yourself.");
                throw new WrongAnswer($"'{frozenAffine.name}' (a BatchNorm's {what}) is frozen, but γ and β keep learning in this exercise: only the " +
                                      "convolutions' weights are frozen. Pick the parameters by their module's type (module is Conv2d), not by stage alone.");
            }

            // 4. Every convolution of the two stages is frozen, the shortcut's included.
            var trainingConvolution = stageConvolutions.FirstOrDefault(p => p.parameter.requires_grad);
            if (trainingConvolution.parameter is not null)
            {
                if (trainingConvolution.name.Contains(".downsample.", StringComparison.Ordinal))
                    throw new WrongAnswer($"'{trainingConvolution.name}' still trains: it is the 1×1 convolution on layer2.0's shortcut (downsample.0), a " +
                                          "convolution too, though its name has no \"conv\" in it. Find convolutions by the module's type (module is Conv2d), " +
                                          "not by the name.");
                throw new WrongAnswer($"'{trainingConvolution.name}' still trains, but it is a convolution weight in {AdaptedStageOf(trainingConvolution.name)}: " +
                                      "set requires_grad = false on every convolution's parameters under layer1 and layer2.");
            }

            // 5. Modes: the two stages' BatchNorm in eval, every other BatchNorm still training.
            if (batchNorms.All(b => !b.module.training))
                throw new WrongAnswer($"Every BatchNorm is in eval mode, '{batchNorms[0].name}' of the stem too: backbone.eval() switches the whole network, so " +
                                      "the stem's, layer3's and layer4's BatchNorm would stop learning their statistics. Call .eval() only on the BatchNorm " +
                                      "modules under layer1 and layer2.");
            foreach (var (name, module) in batchNorms)
            {
                bool shouldBeEval = AdaptedStageOf(name) is not null;
                if (shouldBeEval && module.training)
                    throw new WrongAnswer($"The requires_grad flags are right, but the BatchNorm '{name}' is still in training mode: every forward pass would " +
                                          "move its running_mean and running_var, so the frozen convolutions would be normalised by drifting statistics. " +
                                          "Call .eval() on the BatchNorm modules under layer1 and layer2 (after backbone.train()); eval changes which " +
                                          "statistics normalise, not whether γ and β get gradients.");
                if (!shouldBeEval && !module.training)
                    throw new WrongAnswer($"The BatchNorm '{name}' was put in eval mode, but it belongs to {PartOf(name)}, which trains as usual; only " +
                                          "layer1's and layer2's BatchNorm go to eval.");
            }

            // 6. The behaviour that matters: one SGD step over every parameter (requires_grad alone keeps the frozen
            //    ones out) moves γ/β of the two stages and everything outside them, and nothing else.
            var paramsBefore = parameters.ToDictionary(p => p.name, p => p.parameter.detach().clone());
            var buffersBefore = backbone.named_buffers().Where(b => AdaptedStageOf(b.name) is not null)
                .ToDictionary(b => b.name, b => b.buffer.clone());
            using var optimizer = optim.SGD(backbone.parameters(), learningRate: 0.1);
            var projection = torch.randn(backbone.FeatureSize);
            var loss = (backbone.call(torch.randn(4, 3, 64, 64)) * projection).sum();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            foreach (var (name, p) in parameters)
            {
                bool moved = !Identical(p.detach(), paramsBefore[name]);
                bool shouldMove = AdaptedStageOf(name) is null || batchNormParameters.Contains(name);
                if (shouldMove && !moved)
                    throw new WrongAnswer($"After one SGD step '{name}' has not changed, but it should learn " +
                                          (AdaptedStageOf(name) is null ? $"({PartOf(name)} trains)." : "(γ and β of layer1 and layer2 learn)."));
                if (!shouldMove && moved)
                    throw new WrongAnswer($"After one SGD step the convolution weight '{name}' changed, but it is frozen.");
            }
            foreach (var (name, buffer) in backbone.named_buffers().Where(b => buffersBefore.ContainsKey(b.name)))
                if (!Identical(buffer, buffersBefore[name]))
                    throw new WrongAnswer($"After one training step the buffer '{name}' changed: the running statistics of layer1 and layer2 must stay put.");
            return $"In layer1 and layer2 the {stageConvolutions.Count} convolution weights are frozen and the {stageAffine.Count} BatchNorm scales and shifts " +
                   "learn, with the running statistics fixed (one SGD step moved γ and β and left the convolutions and running_mean/var bit-identical); " +
                   "the stem, layer3 and layer4 train as before. Remember that backbone.train() puts those BatchNorm back in training mode: " +
                   "call your function again after every train().";
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
            var backbone = new ResNetBackbone(baseWidth: 8, blocksPerStage: [1, 1, 1, 1]);
            var model = new RgbdSegmenter(new ResNetSegmenter(backbone, numClasses: 3, decoderWidth: 8), "layer1", depthWidth: 8);
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
