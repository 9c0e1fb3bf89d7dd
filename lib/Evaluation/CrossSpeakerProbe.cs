using TorchSharp;
using static TorchSharp.torch;
using Tutorials.Audio;
using Tutorials.Backbones;
using Tutorials.Data;

namespace Tutorials.Evaluation;

/// <summary>
/// Measures what frozen encoder features know about words, across speakers: centroids are built from one
/// speaker's recordings (plus a few augmented copies of each), and another speaker's clean recordings of the same
/// words are classified by <see cref="NearestCentroid"/>. The two Italian speaker sets (it-carlo, male;
/// it-menardi, female) are held out of pretraining, so this is a held-out-speaker, held-out-language test.
/// </summary>
public static class CrossSpeakerProbe
{
    /// <summary>
    /// Accuracy of classifying <paramref name="testSet"/>'s clips of <paramref name="words"/> with centroids from
    /// <paramref name="referenceSet"/>. <paramref name="views"/> augmented copies (seeded) join each reference clip.
    /// </summary>
    public static double Accuracy(AudioEncoder encoder, SpokenDigits data, string referenceSet, string testSet,
                                  IReadOnlyList<string> words, int views = 8, long seed = 1234)
    {
        var reference = Select(data, referenceSet, words);
        var test = Select(data, testSet, words);
        var wordIds = words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        encoder.eval();
        var clean = SpokenDigits.Waveforms(reference);
        var augment = new WaveformAugment(seed) { NoiseProbability = 0.5, MinSnrDb = 20 };
        var all = torch.cat(new[] { clean }.Concat(Enumerable.Range(0, views).Select(_ => augment.Apply(clean))).ToArray(), dim: 0);
        var refLabels = Enumerable.Range(0, views + 1).SelectMany(_ => reference.Select(c => wordIds[c.Word])).ToArray();
        var probe = new NearestCentroid(encoder.Features(all), refLabels);
        return probe.Accuracy(encoder.Features(SpokenDigits.Waveforms(test)), test.Select(c => wordIds[c.Word]).ToArray());
    }

    /// <summary>The digits 0–9 as word keys.</summary>
    public static IReadOnlyList<string> DigitWords { get; } = Enumerable.Range(0, 10).Select(d => $"digits/{d}").ToList();

    /// <summary>Words recorded by both sets (e.g. the Italian number words both speakers say).</summary>
    public static IReadOnlyList<string> SharedWords(SpokenDigits data, string setA, string setB, string prefix = "digits/")
    {
        var a = data.Clips.Where(c => c.Set == setA && c.Word.StartsWith(prefix, StringComparison.Ordinal)).Select(c => c.Word).ToHashSet();
        return data.Clips.Where(c => c.Set == setB && a.Contains(c.Word)).Select(c => c.Word).Distinct().OrderBy(w => w, StringComparer.Ordinal).ToList();
    }

    static List<SpokenClip> Select(SpokenDigits data, string set, IReadOnlyList<string> words)
    {
        var clips = words.Select(w => data.Clips.FirstOrDefault(c => c.Set == set && c.Word == w)
                        ?? throw new ArgumentException($"Set '{set}' has no clip of '{w}'. Known sets: {string.Join(", ", data.Sets)}.", nameof(words))).ToList();
        return clips;
    }
}
