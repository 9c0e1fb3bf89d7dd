using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>dense → dropout → add the block's input (residual) → LayerNorm: how BERT closes each sub-block.</summary>
public sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear dense;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;

    public BertResidualOutput(int inFeatures, BertConfig c) : base(nameof(BertResidualOutput))
    {
        dense = nn.Linear(inFeatures, c.HiddenSize);
        LayerNorm = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
        dropout = nn.Dropout(c.HiddenDropout);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor residual) => LayerNorm.call(dropout.call(dense.call(x)) + residual);
}

/// <summary>Self-attention plus its output block: names <c>attention.self.*</c> and <c>attention.output.*</c>.</summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    // Field names are the PyTorch names: attention.self.query…, attention.output.dense…
    readonly BertSelfAttention self;
    readonly BertResidualOutput output;

    public BertAttention(BertConfig c) : base(nameof(BertAttention))
    {
        self = new BertSelfAttention(c);
        output = new BertResidualOutput(c.HiddenSize, c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var attended = self.call(hidden, additiveMask);
        return output.call(attended, hidden);
    }
}

/// <summary>The feed-forward expansion: Linear to IntermediateSize, then GELU (exact erf form, as in the ONNX graph).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    readonly Linear dense;

    public BertIntermediate(BertConfig c) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(c.HiddenSize, c.IntermediateSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var h = dense.call(x);
        return nn.functional.gelu(h);   // x · Φ(x) with the erf-based Φ, not the tanh approximation
    }
}

/// <summary>One transformer block: attention, then the feed-forward network, each with residual + LayerNorm.</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BertAttention attention;
    readonly BertIntermediate intermediate;
    readonly BertResidualOutput output;

    public BertLayer(BertConfig c) : base(nameof(BertLayer))
    {
        attention = new BertAttention(c);
        intermediate = new BertIntermediate(c);
        output = new BertResidualOutput(c.IntermediateSize, c);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        var a = attention.call(hidden, additiveMask);
        return output.call(intermediate.call(a), a).MoveToOuterDisposeScope();
    }
}
