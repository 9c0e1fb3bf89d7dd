using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>
/// Multi-head scaled dot-product attention. Each token's query is compared with every token's key; the
/// softmax of those scores weights the values. Heads split the hidden size into NumHeads independent parts.
/// </summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear query, key, value;
    readonly Dropout dropout;
    readonly int heads, headSize;

    public BertSelfAttention(BertConfig c) : base(nameof(BertSelfAttention))
    {
        query = nn.Linear(c.HiddenSize, c.HiddenSize);
        key = nn.Linear(c.HiddenSize, c.HiddenSize);
        value = nn.Linear(c.HiddenSize, c.HiddenSize);
        dropout = nn.Dropout(c.AttentionDropout);
        heads = c.NumHeads;
        headSize = c.HeadSize;
        RegisterComponents();
    }

    /// <param name="hidden">[batch, seq, hidden]</param>
    /// <param name="additiveMask">[batch, 1, 1, seq]: 0 for real tokens, a large negative number for padding.</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        var q = SplitHeads(query.call(hidden));                     // [batch, heads, seq, headSize]
        var k = SplitHeads(key.call(hidden));
        var v = SplitHeads(value.call(hidden));
        // Dividing by sqrt(headSize) keeps the scores' spread independent of the head size.
        var scores = q.matmul(k.transpose(-1, -2)) / Math.Sqrt(headSize) + additiveMask;
        var weights = dropout.call(scores.softmax(-1));              // padding columns get weight ~0
        var context = weights.matmul(v);                             // [batch, heads, seq, headSize]
        return MergeHeads(context).MoveToOuterDisposeScope();
    }

    Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, headSize).transpose(1, 2);

    Tensor MergeHeads(Tensor x) => x.transpose(1, 2).contiguous().view(x.shape[0], x.shape[2], heads * headSize);
}
