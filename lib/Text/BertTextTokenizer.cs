using Microsoft.ML.Tokenizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Text;

/// <summary>
/// BERT's uncased tokenizer, as used by all-MiniLM-L6-v2: clean and lower-case the text, strip accents, split it
/// into words and punctuation (<see cref="BertBasicNormalizer"/>, <see cref="BertPunctuationSplitter"/>), then
/// split each word into the longest vocabulary pieces (<c>unaffable</c> → <c>una ##ffa ##ble</c>) with
/// Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>. This class adds what a training loop needs on top:
/// [CLS] … [SEP] framing, truncation, padding and the attention mask, as tensors.
/// </summary>
public sealed class BertTextTokenizer
{
    /// <summary>sentence-transformers' max_seq_length for all-MiniLM-L6-v2 (the model has 512 positions).</summary>
    public const int DefaultMaxLength = 256;

    readonly BertTokenizer tokenizer;

    public int ClsId => tokenizer.ClassificationTokenId;
    public int SepId => tokenizer.SeparatorTokenId;
    public int PadId => tokenizer.PaddingTokenId;
    public int MaxLength { get; }

    public BertTextTokenizer(Stream vocab, int maxLength = DefaultMaxLength)
    {
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), $"maxLength must leave room for [CLS] and [SEP]; got {maxLength}.");
        // The library's own basic tokenization differs from the original on whitespace controls and ASCII symbols
        // (see the two classes), so we plug ours in and use the library for the WordPiece step and the vocabulary.
        tokenizer = BertTokenizer.Create(vocab, new BertOptions
        {
            ApplyBasicTokenization = false,
            LowerCaseBeforeTokenization = false,          // done by BertBasicNormalizer
            Normalizer = new BertBasicNormalizer(),
            PreTokenizer = new BertPunctuationSplitter(),
        });
        MaxLength = maxLength;
    }

    /// <summary>Ids of one text with [CLS] and [SEP], cut to <paramref name="maxLength"/> (default <see cref="MaxLength"/>).</summary>
    public int[] Encode(string text, int? maxLength = null)
    {
        int max = maxLength ?? MaxLength;
        // Tokenize the whole text, then keep the first max-2 pieces: the same cut Hugging Face makes
        // (truncation may end inside a word, e.g. after "una ##ffa" of "unaffable").
        var pieces = tokenizer.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true);
        var ids = new int[Math.Min(pieces.Count, max - 2) + 2];
        ids[0] = ClsId;
        for (int i = 1; i < ids.Length - 1; i++) ids[i] = pieces[i - 1];
        ids[^1] = SepId;
        return ids;
    }

    /// <summary>The vocabulary pieces of <paramref name="text"/> (no special tokens), for display.</summary>
    public IReadOnlyList<string> Pieces(string text) =>
        tokenizer.EncodeToTokens(text, out _).Select(t => t.Value).ToList();

    /// <summary>
    /// Encodes a batch: rows padded with [PAD] to the longest row (or to <paramref name="padTo"/>), attention mask
    /// 1 for real tokens and 0 for padding, token type ids all 0 (one sentence per row).
    /// </summary>
    public TokenBatch EncodeBatch(IReadOnlyList<string> texts, Device? device = null, int? maxLength = null, int? padTo = null)
    {
        if (texts.Count == 0) throw new ArgumentException("EncodeBatch needs at least one text.", nameof(texts));
        var rows = texts.Select(t => Encode(t, maxLength)).ToArray();
        int width = Math.Max(rows.Max(r => r.Length), padTo ?? 0);
        var ids = new long[rows.Length * width];
        var mask = new long[rows.Length * width];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int i = 0; i < width; i++)
            {
                bool real = i < rows[r].Length;
                ids[r * width + i] = real ? rows[r][i] : PadId;
                mask[r * width + i] = real ? 1 : 0;
            }
        }
        var dev = device ?? CPU;
        long[] shape = [rows.Length, width];
        return new TokenBatch(
            torch.tensor(ids, shape, device: dev),
            torch.tensor(mask, shape, device: dev),
            torch.zeros(shape, ScalarType.Int64, device: dev));
    }
}
