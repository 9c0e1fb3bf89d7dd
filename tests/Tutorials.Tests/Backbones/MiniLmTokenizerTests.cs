using Tutorials.Pretrained;
using Tutorials.Text;

namespace Tutorials.Tests.Backbones;

/// <summary>The WordPiece tokenizer must reproduce the ids all-MiniLM-L6-v2 was trained with.</summary>
public class MiniLmTokenizerTests
{
    static readonly BertTextTokenizer Tokenizer = MiniLm.LoadTokenizer();

    // "hello world", the GPU sentence (Hugging Face's tokenizer docs) and the fox sentence give well-known
    // bert-base-uncased ids. The others come from an independent re-implementation of Hugging Face's
    // BasicTokenizer + WordPiece (clean text, lower-case, strip accents, split punctuation and CJK, greedy
    // longest match, [UNK] for words over 100 characters) in Python, run on the same vocab.txt.
    [Theory]
    [InlineData("hello world", new[] { 101, 7592, 2088, 102 })]
    [InlineData("I have a new GPU!", new[] { 101, 1045, 2031, 1037, 2047, 14246, 2226, 999, 102 })]
    [InlineData("The quick brown fox jumps over the lazy dog.", new[] { 101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102 })]
    [InlineData("Unaffable café, naïve 東京!", new[] { 101, 14477, 20961, 3468, 7668, 1010, 15743, 1879, 1755, 999, 102 })]
    [InlineData("Don't stop-believing... it's 3.14159 & $42?", new[] { 101, 2123, 1005, 1056, 2644, 1011, 8929, 1012, 1012, 1012, 2009, 1005, 1055, 1017, 1012, 15471, 28154, 1004, 1002, 4413, 1029, 102 })]
    [InlineData("Ünïcödé àccents; e-mail: someone@example.com", new[] { 101, 27260, 24947, 1025, 1041, 1011, 5653, 1024, 2619, 1030, 2742, 1012, 4012, 102 })]
    [InlineData("日本語のテキストと English mixed", new[] { 101, 1864, 1876, 1950, 1671, 30239, 30227, 30233, 30240, 30192, 2394, 3816, 102 })]
    [InlineData("    spaces\tand\nnewlines   ", new[] { 101, 7258, 1998, 2047, 12735, 102 })]
    // ASCII symbols are words of their own, tabs and no-break spaces separate words, format characters
    // (zero-width space) vanish, a word without a full WordPiece cover becomes one [UNK] (100).
    [InlineData("1+1=2 <x> ^ ` | ~", new[] { 101, 1015, 1009, 1015, 1027, 1016, 1026, 1060, 1028, 1034, 1036, 1064, 1066, 102 })]
    [InlineData("snake_case_name", new[] { 101, 7488, 1035, 2553, 1035, 2171, 102 })]
    [InlineData("\u20ac5 \u00a33 \u00a5 \u00a9 \u00b0 \u00b1", new[] { 101, 1574, 2629, 28182, 1071, 1075, 1080, 1081, 102 })]
    [InlineData("zero\u200bwidth no\u00a0break", new[] { 101, 5717, 9148, 11927, 2232, 2053, 3338, 102 })]
    [InlineData("a\u0000b \ufffd c", new[] { 101, 11113, 1039, 102 })]
    [InlineData("\u03a9\u2248\u00e7\u221a\u222b\u02dc\u00b5\u2264\u2265\u00f7", new[] { 101, 100, 102 })]
    [InlineData("emoji \ud83d\ude00 ok", new[] { 101, 7861, 29147, 2072, 100, 7929, 102 })]
    public void EncodesLikeTheOriginalTokenizer(string text, int[] expected) =>
        Assert.Equal(expected, Tokenizer.Encode(text));

    [Fact]
    public void SpecialTokensAndPieces()
    {
        Assert.Equal((101, 102, 0), (Tokenizer.ClsId, Tokenizer.SepId, Tokenizer.PadId));
        Assert.Equal(["una", "##ffa", "##ble"], Tokenizer.Pieces("unaffable"));
        Assert.Equal(Tokenizer.Encode("cafe"), Tokenizer.Encode("CAFÉ"));     // uncased and accent-free
    }

    [Fact]
    public void BatchIsPaddedToTheLongestRowWithMaskAndTypeIds()
    {
        using var batch = Tokenizer.EncodeBatch(["hello world", "The quick brown fox jumps over the lazy dog."]);
        Assert.Equal(new long[] { 2, 12 }, batch.InputIds.shape);
        Assert.Equal(batch.InputIds.shape, batch.AttentionMask.shape);
        Assert.Equal(batch.InputIds.shape, batch.TokenTypeIds.shape);
        Assert.Equal(ScalarType.Int64, batch.InputIds.dtype);
        Assert.Equal(new long[] { 101, 7592, 2088, 102, 0, 0, 0, 0, 0, 0, 0, 0 }, batch.InputIds[0].data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 }, batch.AttentionMask[0].data<long>().ToArray());
        Assert.Equal(12L, batch.AttentionMask[1].sum().item<long>());
        Assert.Equal(0L, batch.TokenTypeIds.abs().sum().item<long>());

        using var fixedWidth = Tokenizer.EncodeBatch(["hello world"], padTo: 16);
        Assert.Equal(new long[] { 1, 16 }, fixedWidth.InputIds.shape);
    }

    [Fact]
    public void OverLongInputIsTruncatedToMaxLengthKeepingClsAndSep()
    {
        var longText = string.Join(" ", Enumerable.Repeat("guitar", 1000));
        var ids = Tokenizer.Encode(longText);
        Assert.Equal(BertTextTokenizer.DefaultMaxLength, ids.Length);
        Assert.Equal(256, ids.Length);                             // sentence-transformers' max_seq_length
        Assert.Equal((101, 102), (ids[0], ids[^1]));
        Assert.All(ids[1..^1], id => Assert.Equal(2858, id));        // "guitar"

        using var batch = Tokenizer.EncodeBatch([longText, "hello world"], maxLength: 8);
        Assert.Equal(new long[] { 2, 8 }, batch.InputIds.shape);
        Assert.Equal(new long[] { 101, 2858, 2858, 2858, 2858, 2858, 2858, 102 }, batch.InputIds[0].data<long>().ToArray());
        Assert.Equal(8L, batch.AttentionMask[0].sum().item<long>());

        // Truncation may cut inside a word, as Hugging Face's does: "unaffable" is three pieces.
        Assert.Equal(new[] { 101, 14477, 20961, 102 }, Tokenizer.Encode("unaffable", maxLength: 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => MiniLm.LoadTokenizer(maxLength: 1));
        // A single word longer than 100 characters is one [UNK], as in the original tokenizer.
        Assert.Equal(new[] { 101, 100, 5725, 102 }, Tokenizer.Encode(new string('x', 120) + " tail"));
    }
}
