using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Tutorials.Text;

/// <summary>
/// The text clean-up of BERT's original "basic tokenizer" (uncased models), applied before WordPiece:
/// drop control characters, turn every kind of whitespace (tab, newline, no-break space, …) into a space,
/// put spaces around CJK ideographs (each becomes its own word), lower-case, and strip accents (é → e).
/// Microsoft.ML.Tokenizers 2.0.1's built-in BERT normalizer deletes tabs and newlines instead of treating
/// them as spaces ("a\tb" → "ab"), which changes the ids; this class reproduces the original behaviour.
/// </summary>
public sealed class BertBasicNormalizer : Normalizer
{
    public override string Normalize(string original) => Normalize(original.AsSpan());

    public override string Normalize(ReadOnlySpan<char> original)
    {
        var cleaned = new StringBuilder(original.Length + 8);
        foreach (var rune in original.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) cleaned.Append(' ');
            else if (IsCjk(cp)) cleaned.Append(' ').Append(rune.ToString()).Append(' ');
            else cleaned.Append(rune.ToString());
        }
        // Lower-case, then decompose (é → e + combining acute) and drop the combining marks.
        var decomposed = cleaned.ToString().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) result.Append(c);
        return result.ToString();
    }

    /// <summary>Space, tab, newline, carriage return, or any Unicode space separator.</summary>
    public static bool IsWhitespace(Rune r) =>
        r.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(r) == UnicodeCategory.SpaceSeparator;

    // Control, format, private-use, surrogate and unassigned characters ("C*" categories), except the
    // whitespace controls above. Zero-width space (a format character) is therefore dropped, not a separator.
    static bool IsControl(Rune r)
    {
        if (r.Value is '\t' or '\n' or '\r') return false;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
            or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>CJK Unified Ideographs and their extensions and compatibility blocks (not kana or hangul).</summary>
    public static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
