using TorchSharp;
using Tutorials.Backbones;
using Tutorials.Text;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Evaluation;
using Tutorials.Freezing;

namespace Tutorials.Contrastive;

/// <summary>Token states below the trainable layers, and the attention mask that goes with them.</summary>
public sealed record FrozenTextStates(Tensor Hidden, Tensor Mask) : IDisposable
{
    public long Count => Hidden.shape[0];
    public void Dispose() { Hidden.Dispose(); Mask.Dispose(); }
}

/// <summary>
/// The text tower: the pretrained MiniLM (<see cref="BertEncoder"/>) whose top <c>trainableLayers</c> transformer
/// layers are fine-tuned, mean pooling over real tokens, L2 normalisation (the sentence-transformers recipe),
/// a projection head, and a final L2 normalisation.
/// <para>
/// As with the image tower, the frozen part (embeddings and the lower layers) is run once per caption
/// (<see cref="CacheBelow"/>); training runs only the top layers on the cached token states.
/// </para>
/// </summary>
public sealed class TextTower : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BertEncoder bert;
    readonly nn.Module<Tensor, Tensor> head;
    readonly List<nn.Module<Tensor, Tensor, Tensor>> topLayers;

    /// <param name="bert">The pretrained MiniLM encoder.</param>
    /// <param name="head">Projection into the shared space (input: the 384-d sentence embedding).</param>
    /// <param name="trainableLayers">Top layers to fine-tune. 0 = a <b>locked</b> text tower: with an identity
    /// head (<see cref="Locked"/>) its outputs are exactly the pretrained sentence embeddings.</param>
    public TextTower(BertEncoder bert, nn.Module<Tensor, Tensor> head, int trainableLayers = 1) : base(nameof(TextTower))
    {
        int n = bert.Config.NumLayers;
        if (trainableLayers < 0 || trainableLayers > n)
            throw new ArgumentOutOfRangeException(nameof(trainableLayers), $"Expected 0..{n} trainable layers, got {trainableLayers}.");
        this.bert = bert;
        this.head = head;
        FirstTrainableLayer = n - trainableLayers;
        RegisterComponents();
        topLayers = Enumerable.Range(FirstTrainableLayer, trainableLayers).Select(i => Layer(bert, i)).ToList();
        if (trainableLayers == 0) Freezer.Freeze(bert);
        else Freezer.FreezeAllExcept(bert, topLayers.Select((_, k) => $"encoder.layer.{FirstTrainableLayer + k}").ToArray());
    }

    /// <summary>
    /// A locked text tower: nothing trainable, no projection — text embeddings are MiniLM's pretrained sentence
    /// embeddings (384-d). Why: words that no training caption uses ("sandal") keep their pretrained place
    /// relative to the words that training does use ("sneaker"), so the image side is trained <i>into</i> a space
    /// where unseen class names already mean something ("locked-image tuning" of Zhai et al., 2022, with the
    /// roles of the towers swapped).
    /// </summary>
    public static TextTower Locked(BertEncoder bert) => new(bert, nn.Identity(), trainableLayers: 0);

    /// <summary>Index of the first fine-tuned layer; layers below it are frozen and cached.</summary>
    public int FirstTrainableLayer { get; }
    public BertEncoder Bert => bert;
    public nn.Module<Tensor, Tensor> Head => head;

    /// <summary>Cached token states (N, T, 384) and mask (N, T) → unit-length embeddings (N, D).</summary>
    public override Tensor forward(Tensor hiddenBelow, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var x = hiddenBelow;
        var additive = BertEncoder.AdditiveMask(mask, x.dtype);
        foreach (var layer in topLayers) x = layer.call(x, additive);
        var sentence = nn.functional.normalize(SentenceEmbedder.MeanPool(x, mask), p: 2, dim: 1);
        return nn.functional.normalize(head.call(sentence), p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the frozen part once: tokenise (every row padded to <paramref name="padTo"/> or the longest text),
    /// embeddings, layers 0 … <paramref name="firstTrainableLayer"/> − 1. Eval mode, no autograd.
    /// </summary>
    public static FrozenTextStates CacheBelow(BertEncoder bert, BertTextTokenizer tokenizer, IReadOnlyList<string> texts,
        int firstTrainableLayer, int? padTo = null, int chunk = 128, Device? device = null)
    {
        var on = bert.parameters().First().device;
        int width = padTo ?? texts.Max(t => tokenizer.Encode(t).Length);
        var embeddings = (nn.Module<Tensor, Tensor, Tensor>)bert.named_modules().First(m => m.name == "embeddings").module;
        var lower = Enumerable.Range(0, firstTrainableLayer).Select(i => Layer(bert, i)).ToList();
        // The mask needs no model: tokenise everything once (every row padded to the same width).
        var all = tokenizer.EncodeBatch(texts, on, padTo: width);
        if (all.Length != width)
            throw new ArgumentException($"A text is longer ({all.Length} tokens) than padTo = {width}; pass a larger padTo.");
        var hidden = EvalPass.Collect(texts.Count, chunk, (start, count) =>
        {
            var ids = all.InputIds.narrow(0, start, count);
            var mask = all.AttentionMask.narrow(0, start, count);
            var x = embeddings.call(ids, all.TokenTypeIds.narrow(0, start, count));
            var additive = BertEncoder.AdditiveMask(mask, x.dtype);
            foreach (var layer in lower) x = layer.call(x, additive);
            return x;
        }, [bert], resultDevice: device ?? on);
        var masks = all.AttentionMask.to(device ?? on).clone();
        all.Dispose();
        return new FrozenTextStates(hidden, masks);
    }

    static nn.Module<Tensor, Tensor, Tensor> Layer(BertEncoder bert, int index) =>
        (nn.Module<Tensor, Tensor, Tensor>)bert.named_modules().First(m => m.name == $"encoder.layer.{index}").module;
}
