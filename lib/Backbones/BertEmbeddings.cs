using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>
/// Token vectors = word embedding + position embedding + segment (token type) embedding, then LayerNorm.
/// BERT learns its position vectors (one per position up to MaxPositions) instead of using fixed sinusoids.
/// Field names are the PyTorch parameter names: <c>embeddings.word_embeddings.weight</c>, ….
/// </summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Embedding word_embeddings, position_embeddings, token_type_embeddings;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;

    public BertEmbeddings(BertConfig c) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(c.VocabSize, c.HiddenSize);
        position_embeddings = nn.Embedding(c.MaxPositions, c.HiddenSize);
        token_type_embeddings = nn.Embedding(c.TypeVocabSize, c.HiddenSize);
        LayerNorm = nn.LayerNorm(c.HiddenSize, c.LayerNormEps);
        dropout = nn.Dropout(c.HiddenDropout);
        RegisterComponents();
    }

    /// <param name="inputIds">[batch, seq] token ids (int64).</param>
    /// <param name="tokenTypeIds">[batch, seq] segment ids, 0 for a single sentence.</param>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        long seq = inputIds.shape[1];
        // Positions 0..seq-1, the same for every row: [1, seq] broadcasts over the batch.
        using var positions = torch.arange(seq, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0);
        var x = word_embeddings.call(inputIds) + token_type_embeddings.call(tokenTypeIds) + position_embeddings.call(positions);
        return dropout.call(LayerNorm.call(x));
    }
}
