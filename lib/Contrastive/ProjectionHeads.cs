using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Contrastive;

/// <summary>
/// The simplest projection head: one linear map from an encoder's feature size into the shared space.
/// Enough when the encoders themselves are fine-tuned; the two towers only need to agree on a coordinate system.
/// </summary>
public sealed class LinearProjection : nn.Module<Tensor, Tensor>
{
    readonly Linear proj;

    public LinearProjection(int inFeatures, int outFeatures) : base(nameof(LinearProjection))
    {
        if (inFeatures < 1 || outFeatures < 1)
            throw new ArgumentException($"Expected positive feature sizes, got {inFeatures} → {outFeatures}.");
        proj = nn.Linear(inFeatures, outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterComponents();
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    public override Tensor forward(Tensor x) => proj.call(x);
}

/// <summary>
/// The projection head most CLIP re-implementations use: <c>p = Linear(x)</c>, then <c>Linear(GELU(p))</c>,
/// dropout, add <c>p</c> back (residual), LayerNorm.
/// <code>projected = W1·x + b1;  h = W2·GELU(projected) + b2;  out = LayerNorm(dropout(h) + projected)</code>
/// Why the residual: at initialisation the head is close to the linear projection, so training starts from a
/// simple map and adds non-linearity only where it helps. Why LayerNorm: both towers' outputs arrive at a
/// comparable scale before they are L2-normalised and compared.
/// </summary>
public sealed class MlpProjection : nn.Module<Tensor, Tensor>
{
    readonly Linear projection;
    readonly Linear fc;
    readonly Dropout dropout;
    readonly LayerNorm layer_norm;

    public MlpProjection(int inFeatures, int outFeatures, double dropout = 0.1) : base(nameof(MlpProjection))
    {
        if (inFeatures < 1 || outFeatures < 1)
            throw new ArgumentException($"Expected positive feature sizes, got {inFeatures} → {outFeatures}.");
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), $"Expected a dropout rate in [0, 1), got {dropout}.");
        projection = nn.Linear(inFeatures, outFeatures);
        fc = nn.Linear(outFeatures, outFeatures);
        this.dropout = nn.Dropout(dropout);
        layer_norm = nn.LayerNorm(outFeatures);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterComponents();
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 2 || x.shape[1] != InFeatures)
            throw new ArgumentException($"MlpProjection expects (N, {InFeatures}) features, got ({string.Join(", ", x.shape)}).");
        using var scope = torch.NewDisposeScope();
        var projected = projection.call(x);
        var h = dropout.call(fc.call(nn.functional.gelu(projected)));
        return layer_norm.call(h + projected).MoveToOuterDisposeScope();
    }
}
