using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Tutorials.Text;

/// <summary>
/// Splits normalized text into words for WordPiece: at whitespace, and around every punctuation character,
/// which becomes a word of its own ("don't" → don ' t). As in the original BERT tokenizer, "punctuation" means
/// Unicode punctuation plus every ASCII character that is not a letter, digit or space ($ + = &lt; &gt; ^ ` | ~ _).
/// Microsoft.ML.Tokenizers 2.0.1's built-in splitter drops those ASCII symbols ("$42" → 42) and keeps "_"
/// inside words, which changes the ids; this class keeps them as the model saw them in training.
/// </summary>
public sealed class BertPunctuationSplitter : PreTokenizer
{
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    static List<(int Offset, int Length)> Split(string text)
    {
        var spans = new List<(int, int)>();
        int start = -1;                                                  // start of the current word, -1 if none
        for (int i = 0; i < text.Length;)
        {
            var rune = Rune.GetRuneAt(text, i);
            int width = rune.Utf16SequenceLength;
            bool space = Rune.IsWhiteSpace(rune), punct = IsPunctuation(rune);
            if (space || punct)
            {
                if (start >= 0) spans.Add((start, i - start));
                start = -1;
                if (punct) spans.Add((i, width));
            }
            else if (start < 0) start = i;
            i += width;
        }
        if (start >= 0) spans.Add((start, text.Length - start));
        return spans;
    }

    /// <summary>ASCII non-alphanumeric symbols (33–47, 58–64, 91–96, 123–126) or any Unicode punctuation category.</summary>
    public static bool IsPunctuation(Rune r)
    {
        int cp = r.Value;
        if (cp is >= 33 and <= 47 or >= 58 and <= 64 or >= 91 and <= 96 or >= 123 and <= 126) return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }
}
