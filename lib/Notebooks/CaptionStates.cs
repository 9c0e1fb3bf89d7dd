using Tutorials.Backbones;
using static TorchSharp.torch;
using Tutorials.Contrastive;

// Scaffolding for notebook 03 (03-contrastive-shared-space): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// Caches the frozen part of the text tower (<see cref="TextTower.CacheBelow"/>) for any list of captions, every
/// one padded to the same width so that cached sets can be concatenated and batched together.
/// Why a fixed width: the width is the longest caption known up front plus a few tokens of slack for texts written
/// later (prompts, queries); a longer text is refused with a message rather than silently truncated.
/// </summary>
public sealed class CaptionStates
{
    readonly SentenceEmbedder minilm;

    /// <param name="minilm">The pretrained MiniLM (encoder and tokenizer).</param>
    /// <param name="firstTrainableLayer">Layers below this index are frozen and cached; the number of layers (6)
    /// caches the whole encoder (a locked text tower).</param>
    /// <param name="knownTexts">Every text the notebook knows of now; sets the padding width.</param>
    /// <param name="slack">Extra tokens for texts written later.</param>
    public CaptionStates(SentenceEmbedder minilm, int firstTrainableLayer, IEnumerable<string> knownTexts, int slack = 8)
    {
        this.minilm = minilm;
        FirstTrainableLayer = firstTrainableLayer;
        PadTo = knownTexts.Max(t => minilm.Tokenizer.Encode(t).Length) + slack;
    }

    public int FirstTrainableLayer { get; }

    /// <summary>Token width every cached caption is padded to.</summary>
    public int PadTo { get; }

    /// <summary>Token states below the trainable layers (and their mask) of <paramref name="texts"/>.</summary>
    public FrozenTextStates Of(IEnumerable<string> texts, Device? device = null) =>
        TextTower.CacheBelow(minilm.Encoder, minilm.Tokenizer, texts.ToList(), FirstTrainableLayer, padTo: PadTo, device: device);
}
