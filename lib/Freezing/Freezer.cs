using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Freezing;

/// <summary>
/// Freezing = keeping some pretrained weights fixed while the rest of the network trains.
/// <para>
/// A parameter is frozen when <c>requires_grad</c> is false: autograd then computes no gradient for it, its
/// <c>grad</c> stays null, and every optimizer skips parameters without a gradient. That one flag is enough;
/// the optimizer does not even need to be told (though <see cref="TrainableParameters"/> keeps it lean).
/// </para>
/// <para>
/// Parameters are addressed by name, as <c>named_parameters()</c> prints them: <c>layer1.0.conv1.weight</c>.
/// A prefix matches whole dot-separated segments: <c>"layer1"</c> matches <c>layer1.0.conv1.weight</c> but not
/// <c>layer10.weight</c>. The per-block summary table is in Freezer.Summary.cs.
/// </para>
/// <para>
/// <b>BatchNorm, the contract.</b> Every call that freezes also puts each BatchNorm layer whose parameters are now all
/// frozen into eval mode, so its running mean and variance stop moving too (they are buffers, not parameters, and
/// a BatchNorm in training mode updates them on every forward pass, frozen or not). <c>module.train()</c> flips them
/// back: <see cref="TrainMode"/> (what the kit's trainer calls every epoch) is <c>train()</c> followed by the same
/// fix-up. Unfreezing changes no mode; the next <see cref="TrainMode"/> lets the unfrozen BatchNorm learn again.
/// This is the kit's one place that sets <c>requires_grad</c>; loaders return models as trained, and notebooks
/// freeze them here, in a cell the learner sees.
/// </para>
/// </summary>
public static partial class Freezer
{
    /// <summary>
    /// Freezes every parameter of <paramref name="module"/> (TorchSharp has no module-level <c>requires_grad_</c>) and puts
    /// its BatchNorm layers in eval mode; returns the module, so a loader's result can be frozen where it is used.
    /// </summary>
    public static T Freeze<T>(T module) where T : nn.Module
    {
        SetRequiresGrad(module, _ => true, requiresGrad: false);
        return module;
    }

    /// <summary>Makes every parameter of <paramref name="module"/> trainable again; returns the module.</summary>
    public static T Unfreeze<T>(T module) where T : nn.Module
    {
        SetRequiresGrad(module, _ => true, requiresGrad: true);
        return module;
    }

    /// <summary>
    /// Freezes the parameters under the given blocks, e.g. <c>Freeze(model, "stem", "layer1")</c> (their BatchNorm goes
    /// to eval mode); others are untouched.
    /// </summary>
    public static void Freeze(nn.Module module, params string[] prefixes) =>
        SetRequiresGrad(module, CheckedMatcher(module, prefixes), requiresGrad: false);

    /// <summary>Unfreezes the parameters under the given blocks, e.g. <c>Unfreeze(model, "layer4")</c>; others are untouched.</summary>
    public static void Unfreeze(nn.Module module, params string[] prefixes) =>
        SetRequiresGrad(module, CheckedMatcher(module, prefixes), requiresGrad: true);

    /// <summary>
    /// The usual fine-tuning setup in one call: the given blocks train, everything else is frozen.
    /// <c>FreezeAllExcept(resnet, "layer4", "fc")</c> trains the last stage and the classifier.
    /// </summary>
    public static void FreezeAllExcept(nn.Module module, params string[] trainablePrefixes)
    {
        var isTrainable = CheckedMatcher(module, trainablePrefixes);
        SetRequiresGrad(module, name => true, requiresGrad: name => isTrainable(name));
    }

    /// <summary>
    /// Freezes the scale and shift of every BatchNorm layer in <paramref name="module"/> (and so keeps them in eval mode),
    /// whatever else trains. Why: with small batches of tiny feature maps the batch statistics are noise; the
    /// convolutions around them still learn.
    /// </summary>
    public static void FreezeBatchNorm(nn.Module module)
    {
        var batchNormParameters = module.named_modules()
            .Where(m => m.module is BatchNorm1d or BatchNorm2d or BatchNorm3d)
            .SelectMany(m => m.module.named_parameters().Select(p => m.name.Length == 0 ? p.name : $"{m.name}.{p.name}"))
            .ToHashSet();
        SetRequiresGrad(module, batchNormParameters.Contains, requiresGrad: false);
    }

    /// <summary>
    /// The parameters that will learn (<c>requires_grad</c> true), for the optimizer:
    /// <c>optim.Adam(Freezer.TrainableParameters(model), lr: 1e-3)</c>. A snapshot: call it after freezing.
    /// </summary>
    public static List<Parameter> TrainableParameters(nn.Module module) =>
        module.parameters().Where(p => p.requires_grad).ToList();

    /// <summary>
    /// Puts every BatchNorm whose parameters are all frozen back into eval mode; returns how many it changed.
    /// <para>
    /// Why: BatchNorm keeps <c>running_mean</c>/<c>running_var</c> buffers that are not parameters. In training mode
    /// every forward pass moves them towards the current batch, even when the weights are frozen, so a "frozen"
    /// backbone would still drift. Eval mode uses the stored statistics and leaves them alone.
    /// <c>module.train()</c> flips every submodule back to training mode, so call this after each <c>train()</c>
    /// (or use <see cref="TrainMode"/>, which does both). A BatchNorm without parameters (affine: false) is left as is.
    /// </para>
    /// </summary>
    public static int KeepFrozenBatchNormInEval(nn.Module module)
    {
        int changed = 0;
        foreach (var (_, sub) in module.named_modules())
        {
            if (sub is not (BatchNorm1d or BatchNorm2d or BatchNorm3d)) continue;
            var ps = sub.parameters().ToList();
            if (ps.Count == 0 || ps.Any(p => p.requires_grad)) continue;
            sub.eval();
            changed++;
        }
        return changed;
    }

    /// <summary><c>module.train()</c>, then <see cref="KeepFrozenBatchNormInEval"/>: training mode that respects frozen blocks.</summary>
    public static void TrainMode(nn.Module module)
    {
        module.train();
        KeepFrozenBatchNormInEval(module);
    }

    /// <summary>True when <paramref name="name"/> is <paramref name="prefix"/> or lies under it (whole segments only).</summary>
    public static bool MatchesPrefix(string name, string prefix) =>
        name == prefix || name.StartsWith(prefix + ".", StringComparison.Ordinal);

    /// <summary>The first name segment of each parameter, in model order: "stem", "layer1", …, "fc".</summary>
    public static List<string> TopLevelBlocks(nn.Module module) =>
        module.named_parameters().Select(np => BlockOf(np.name, depth: 1)).Distinct().ToList();

    static void SetRequiresGrad(nn.Module module, Func<string, bool> selected, bool requiresGrad) =>
        SetRequiresGrad(module, selected, _ => requiresGrad);

    /// <summary>The one loop that sets <c>requires_grad</c>; then frozen BatchNorm goes to eval (the contract above).</summary>
    static void SetRequiresGrad(nn.Module module, Func<string, bool> selected, Func<string, bool> requiresGrad)
    {
        foreach (var (name, p) in module.named_parameters())
            if (selected(name)) p.requires_grad = requiresGrad(name);
        KeepFrozenBatchNormInEval(module);
    }

    /// <summary>
    /// A name matcher for <paramref name="prefixes"/>, after checking that each prefix matches some parameter.
    /// Checking first means a typo changes nothing, instead of silently freezing (or training) the wrong set.
    /// </summary>
    static Func<string, bool> CheckedMatcher(nn.Module module, string[] prefixes)
    {
        if (prefixes.Length == 0)
            throw new ArgumentException(
                "Expected at least one block name (e.g. \"layer4\"), got none. " +
                "To change the whole model use Freeze(module) / Unfreeze(module).", nameof(prefixes));

        var names = module.named_parameters().Select(np => np.name).ToList();
        foreach (var prefix in prefixes)
        {
            if (names.Any(n => MatchesPrefix(n, prefix))) continue;
            throw new ArgumentException(
                $"Expected a block name that matches parameters, got \"{prefix}\", which matches none. " +
                $"Top-level blocks of this model: {string.Join(", ", TopLevelBlocks(module))}. " +
                "Use one of those, or a dotted path inside one (e.g. \"layer1.0\"); print module.named_parameters() to see all names.",
                nameof(prefixes));
        }
        return name => prefixes.Any(prefix => MatchesPrefix(name, prefix));
    }
}
