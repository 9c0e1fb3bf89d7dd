using Tutorials.Backbones;
using Tutorials.Data;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Contrastive;
using Tutorials.Environment;

namespace Tutorials.Notebooks;

/// <summary>
/// The cached captions of every split of notebook 03 for one text tower: token states below its trainable layers
/// (or, for the locked tower, after all of them) and their masks.
/// </summary>
/// <param name="Train">Training captions.</param>
/// <param name="Validation">Validation captions (model selection).</param>
/// <param name="Test">Test captions (seen classes, held-out phrasings).</param>
/// <param name="Plot">Test captions, then the zero-shot images' captions: the points of the embedding plots.</param>
/// <param name="Names">One "a photo of a …" prompt per held-out class.</param>
/// <param name="Described">Two descriptions per held-out class, class by class.</param>
public sealed record CaptionStatesBySplit(FrozenTextStates Train, FrozenTextStates Validation, FrozenTextStates Test, FrozenTextStates Plot,
    FrozenTextStates Names, FrozenTextStates Described) : IDisposable
{
    /// <summary>Caches every split's captions and the zero-shot prompts with <paramref name="cache"/>.</summary>
    public static CaptionStatesBySplit Of(CaptionStates cache, FashionCaptionSet data, IEnumerable<string> namePrompts, IEnumerable<string> describedPrompts)
    {
        static IEnumerable<string> Captions(IEnumerable<CaptionedImage> pairs) => pairs.Select(p => p.Caption);
        return new(cache.Of(Captions(data.Train)), cache.Of(Captions(data.Validation)), cache.Of(Captions(data.Test)),
            cache.Of(Captions(data.Test.Concat(data.ZeroShot))), cache.Of(namePrompts), cache.Of(describedPrompts));
    }

    public void Dispose()
    {
        foreach (var t in new[] { Train, Validation, Test, Plot, Names, Described }) t.Dispose();
    }
}

/// <summary>
/// What notebook 03 computes once, because the frozen parts of both towers never change: the ResNet's
/// <c>layer3</c> maps of every image used (<see cref="ImageTower.CacheStage"/>, the zero-shot validation images included), the content keys that say which
/// captions are equally right, and the captions cached for the fine-tuned text tower (below its last layer) and
/// for the locked one (all six layers).
/// </summary>
public sealed class FrozenTowerInputs : IDisposable
{
    FrozenTowerInputs(Tensor train, Tensor validation, Tensor test, Tensor zeroShot, Tensor zeroShotValidation, FashionCaptionSet data,
        IReadOnlyList<int> heldOut, CaptionStatesBySplit tuned, CaptionStatesBySplit locked)
    {
        (TrainImages, ValidationImages, TestImages, ZeroShotImages, ZeroShotValidationImages) = (train, validation, test, zeroShot, zeroShotValidation);
        TrainKeys = FashionCaptionSet.ContentKeys(data.Train);
        ValidationKeys = FashionCaptionSet.ContentKeys(data.Validation);
        TestKeys = FashionCaptionSet.ContentKeys(data.Test);
        ZeroShotTruth = data.ZeroShot.Select(p => (long)heldOut.ToList().IndexOf(p.Label)).ToList();
        ZeroShotValidationTruth = data.ZeroShotValidation.Select(p => (long)heldOut.ToList().IndexOf(p.Label)).ToList();
        (Tuned, Locked) = (tuned, locked);
    }

    /// <summary>layer3 maps (N, 256, 4, 4) of the training, validation, test and zero-shot pairs' images, row i = pair i.</summary>
    public Tensor TrainImages { get; }
    public Tensor ValidationImages { get; }
    public Tensor TestImages { get; }
    public Tensor ZeroShotImages { get; }

    /// <summary>layer3 maps of the held-out classes' training-split images: zero-shot choices are judged on these, not on the test images.</summary>
    public Tensor ZeroShotValidationImages { get; }

    /// <summary>
    /// Test images, then zero-shot images: the image points of the embedding plots (rows of <see cref="CaptionStatesBySplit.Plot"/>).
    /// Joined on first use and kept (freed with the rest), so reading it twice costs nothing.
    /// </summary>
    public Tensor PlotImages => _plotImages ??= cat(new[] { TestImages, ZeroShotImages }, 0).DetachFromDisposeScope();
    Tensor? _plotImages;

    /// <summary>Content keys (class and attributes) of the pairs: equal keys, equally right captions.</summary>
    public Tensor TrainKeys { get; }
    public Tensor ValidationKeys { get; }
    public Tensor TestKeys { get; }

    /// <summary>Index of each zero-shot image's class among the held-out classes.</summary>
    public IReadOnlyList<long> ZeroShotTruth { get; }

    /// <summary>Index of each zero-shot validation image's class among the held-out classes.</summary>
    public IReadOnlyList<long> ZeroShotValidationTruth { get; }

    /// <summary>The zero-shot prompts: one "a photo of a …" per held-out class.</summary>
    public IReadOnlyList<string> NamePrompts { get; private set; } = [];

    /// <summary>The zero-shot prompts: two descriptions per held-out class, class by class.</summary>
    public IReadOnlyList<string> DescribedPrompts { get; private set; } = [];

    /// <summary>Captions for the fine-tuned text tower (states below MiniLM's last layer).</summary>
    public CaptionStatesBySplit Tuned { get; }

    /// <summary>Captions for the locked text tower (states after all of MiniLM's layers).</summary>
    public CaptionStatesBySplit Locked { get; }

    /// <summary>The cached texts the model's text tower takes: <see cref="Locked"/> when it has no trainable layer.</summary>
    public CaptionStatesBySplit For(ContrastiveModel model) => model.Text.FirstTrainableLayer == model.Text.Bert.Config.NumLayers ? Locked : Tuned;

    /// <summary>
    /// Loads the pretrained ResNet and MiniLM from their packages, runs their frozen parts once (<see cref="Build"/>)
    /// and frees them: only what they computed is kept. The zero-shot prompts of <paramref name="heldOut"/> are the
    /// bare class names ("a photo of a sandal") and two descriptions per class (<see cref="FashionCaptions.Descriptions"/>).
    /// </summary>
    public static FrozenTowerInputs Load(FashionCaptionSet data, Tensor trainImages, Tensor testImages, IReadOnlyList<int> heldOut, Device? device = null)
    {
        var namePrompts = ZeroShot.Prompts(heldOut.Select(c => FashionCaptions.PromptNames[c]));
        var describedPrompts = heldOut.SelectMany(c => FashionCaptions.Descriptions[c]).ToList();
        using var resnet = Tutorials.Pretrained.ImageNetResNet.Load(device);
        using var minilm = Tutorials.Pretrained.MiniLm.Load(device);
        return Build(data, trainImages, testImages, resnet, Tutorials.Pretrained.ImageNetResNet.LoadPreprocess(), minilm, namePrompts, describedPrompts, heldOut);
    }

    /// <summary>
    /// Runs the frozen parts once: ResNet up to layer3 on every image (resized to <paramref name="side"/> px), kept
    /// only for the rows the pairs use; MiniLM below its last layer, and through all its layers, on every caption
    /// and prompt (all padded to one width, see <see cref="CaptionStates"/>).
    /// </summary>
    public static FrozenTowerInputs Build(FashionCaptionSet data, Tensor trainImages, Tensor testImages, ResNetBackbone resnet,
        ResNetPreprocess preprocess, SentenceEmbedder minilm, IReadOnlyList<string> namePrompts, IReadOnlyList<string> describedPrompts,
        IReadOnlyList<int> heldOut, int side = 64)
    {
        Tensor Rows(Tensor maps, IEnumerable<CaptionedImage> pairs)
        {
            using var rows = FashionCaptionSet.ImageRows(pairs);
            return maps.index_select(0, rows.to(maps.device));
        }
        Tensor train, validation, test, zeroShot, zeroShotValidation;
        using (var maps = ImageTower.CacheStage(resnet, preprocess, trainImages, side))
            (train, validation, zeroShotValidation) = (Rows(maps, data.Train), Rows(maps, data.Validation), Rows(maps, data.ZeroShotValidation));
        using (var maps = ImageTower.CacheStage(resnet, preprocess, testImages, side))
            (test, zeroShot) = (Rows(maps, data.Test), Rows(maps, data.ZeroShot));

        var allTexts = data.Train.Concat(data.Validation).Concat(data.Test).Concat(data.ZeroShot).Select(p => p.Caption)
            .Concat(namePrompts).Concat(describedPrompts).ToList();
        int layers = minilm.Encoder.Config.NumLayers;
        var tunedCache = new CaptionStates(minilm, firstTrainableLayer: layers - 1, allTexts);
        var lockedCache = new CaptionStates(minilm, firstTrainableLayer: layers, allTexts);
        var inputs = new FrozenTowerInputs(train, validation, test, zeroShot, zeroShotValidation, data, heldOut,
            CaptionStatesBySplit.Of(tunedCache, data, namePrompts, describedPrompts), CaptionStatesBySplit.Of(lockedCache, data, namePrompts, describedPrompts));
        (inputs.NamePrompts, inputs.DescribedPrompts) = (namePrompts, describedPrompts);
        FreedMemory.ReturnToSystem();   // the frozen passes' activations are freed; give their pages back too
        return inputs;
    }

    public void Dispose()
    {
        foreach (var t in new[] { TrainImages, ValidationImages, TestImages, ZeroShotImages, ZeroShotValidationImages, TrainKeys, ValidationKeys, TestKeys }) t.Dispose();
        _plotImages?.Dispose();
        Tuned.Dispose();
        Locked.Dispose();
    }
}
