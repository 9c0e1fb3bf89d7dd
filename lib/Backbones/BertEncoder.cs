using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>The stack of transformer blocks; its field <c>layer</c> gives the names <c>encoder.layer.{i}.…</c>.</summary>
public sealed class BertLayerStack : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<BertLayer> layer;

    public BertLayerStack(BertConfig c) : base(nameof(BertLayerStack))
    {
        layer = new ModuleList<BertLayer>(Enumerable.Range(0, c.NumLayers).Select(_ => new BertLayer(c)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        // Each block's output feeds the next. The intermediate tensors belong to the caller's dispose scope
        // (BertEncoder.forward), which frees them after the pass; autograd keeps what backward needs.
        var x = hidden;
        foreach (var block in layer) x = block.call(x, additiveMask);
        return x;
    }
}

/// <summary>
/// A BERT encoder (no pooler, no task head) whose parameter names are Hugging Face's <c>BertModel</c> names,
/// so PyTorch state dicts, safetensors files and the imported MiniLM weights load by name.
/// forward(input_ids, attention_mask, token_type_ids) → last_hidden_state [batch, seq, hidden].
/// Trainable like any module: call <c>train()</c> to fine-tune (dropout on), <c>eval()</c> for features.
/// </summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly BertEmbeddings embeddings;
    readonly BertLayerStack encoder;

    public BertConfig Config { get; }

    public BertEncoder(BertConfig? config = null) : base(nameof(BertEncoder))
    {
        Config = (config ?? BertConfig.MiniLmL6).Validate();
        embeddings = new BertEmbeddings(Config);
        encoder = new BertLayerStack(Config);
        RegisterComponents();
    }

    /// <param name="inputIds">[batch, seq] int64 token ids.</param>
    /// <param name="attentionMask">[batch, seq], 1 for real tokens and 0 for padding (any numeric type).</param>
    /// <param name="tokenTypeIds">[batch, seq] int64 segment ids (zeros for one sentence).</param>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
    {
        if (inputIds.dim() != 2)
            throw new ArgumentException($"input_ids must be [batch, seq]; got shape [{string.Join(", ", inputIds.shape)}].");
        if (inputIds.shape[1] > Config.MaxPositions)
            throw new ArgumentException($"Sequence length {inputIds.shape[1]} exceeds the {Config.MaxPositions} positions this encoder " +
                                        "has embeddings for; truncate when tokenizing (max length).");
        using var scope = torch.NewDisposeScope();
        var hidden = embeddings.call(inputIds, tokenTypeIds);
        return encoder.call(hidden, AdditiveMask(attentionMask, hidden.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// [batch, seq] 1/0 mask → [batch, 1, 1, seq] additive mask: 0 where a token may be attended to, a very negative
    /// number for padding, so that after softmax padding gets (numerically) zero weight from every query and head.
    /// Also used by code that runs the layers one by one (the contrastive text tower).
    /// </summary>
    public static Tensor AdditiveMask(Tensor attentionMask, ScalarType dtype) =>
        (1 - attentionMask.to(dtype)).view(attentionMask.shape[0], 1, 1, attentionMask.shape[1]) * torch.finfo(dtype).min;
}
