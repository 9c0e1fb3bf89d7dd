using TorchSharp;
using Tutorials.Text;
using static TorchSharp.torch;

namespace Tutorials.Backbones;

/// <summary>
/// Sentence vectors from a BERT encoder, the sentence-transformers way: average the token vectors of the real
/// (unpadded) tokens, then scale to length 1 so that a dot product is the cosine similarity.
/// Frozen use: <see cref="Encode"/> (no gradients, eval mode). Fine-tuning: <see cref="nn.Module{T,TResult}.call"/>
/// on a <see cref="TokenBatch"/> in train mode; gradients flow into <see cref="Encoder"/>.
/// </summary>
public sealed class SentenceEmbedder : nn.Module<TokenBatch, Tensor>
{
    readonly BertEncoder encoder;

    public BertEncoder Encoder => encoder;
    public BertTextTokenizer Tokenizer { get; }
    public int Dimension => encoder.Config.HiddenSize;
    public Device Device => encoder.parameters().First().device;

    public SentenceEmbedder(BertEncoder encoder, BertTextTokenizer tokenizer) : base(nameof(SentenceEmbedder))
    {
        this.encoder = encoder;
        Tokenizer = tokenizer;
        RegisterComponents();
    }

    /// <summary>[batch, hidden] unit-length embeddings of a tokenized batch; differentiable.</summary>
    public override Tensor forward(TokenBatch batch)
    {
        using var scope = torch.NewDisposeScope();
        var hidden = encoder.call(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        return nn.functional.normalize(MeanPool(hidden, batch.AttentionMask), p: 2, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>Mean of the token vectors where <paramref name="mask"/> is 1: [batch, seq, hidden] → [batch, hidden].</summary>
    public static Tensor MeanPool(Tensor hidden, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        var m = mask.to(hidden.dtype).unsqueeze(-1);                        // [batch, seq, 1]
        var sum = (hidden * m).sum(1);
        var count = m.sum(1).clamp_min(1e-9);                                 // never divide by zero
        return (sum / count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Frozen embeddings of <paramref name="texts"/>, [n, hidden] on <see cref="Device"/>: eval mode (no dropout),
    /// no autograd graph, in batches of <paramref name="batchSize"/>. The module's train/eval mode is restored.
    /// </summary>
    public Tensor Encode(IReadOnlyList<string> texts, int batchSize = 32)
    {
        bool wasTraining = training;
        eval();
        try
        {
            using var _ = torch.no_grad();
            var parts = new List<Tensor>();
            for (int start = 0; start < texts.Count; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                using var batch = Tokenizer.EncodeBatch(texts.Skip(start).Take(batchSize).ToList(), Device);
                parts.Add(call(batch).MoveToOuterDisposeScope());
            }
            var all = torch.cat(parts, 0);
            foreach (var p in parts) p.Dispose();
            return all;
        }
        finally { if (wasTraining) train(); }
    }

}
