using TorchSharp;
using static TorchSharp.torch;

// Scaffolding for notebook 01 (01-feature-concatenation): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// Speaker normalisation: standardise each speaker's audio features with that speaker's own mean and spread.
/// A new voice shifts every feature a little (pitch, timbre, microphone); a classifier trained on one voice
/// reads that shift as evidence for the wrong digits. Subtracting the speaker's mean and dividing by their
/// standard deviation removes most of it. It needs no labels, only a handful of the speaker's recordings —
/// the same idea as cepstral mean and variance normalisation in classic speech recognition.
/// </summary>
public static class SpeakerNormalization
{
    /// <summary>(x − mean) / std over the rows of <paramref name="features"/> (all from one speaker), per feature.</summary>
    public static Tensor Standardize(Tensor features)
    {
        if (features.dim() != 2 || features.shape[0] < 2)
            throw new ArgumentException(
                $"Expected features of one speaker as (rows ≥ 2, D), got [{string.Join(", ", features.shape)}].", nameof(features));
        using var scope = torch.NewDisposeScope();
        var mean = features.mean([0], keepdim: true);
        var std = features.std(0, keepdim: true) + 1e-5f;       // a constant feature stays finite
        return ((features - mean) / std).MoveToOuterDisposeScope();
    }
}
