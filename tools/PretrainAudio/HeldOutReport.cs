using Tutorials.Audio;
using Tutorials.Backbones;
using Tutorials.Data;
using Tutorials.Evaluation;

namespace Tutorials.PretrainAudio;

/// <summary>Cross-speaker nearest-centroid accuracy on the held-out Italian speakers, pretrained vs untrained.</summary>
sealed record HeldOutReport(double DigitsPretrained, double DigitsUntrained, double WordsPretrained, double WordsUntrained, int WordCount)
{
    const string A = "it-carlo", B = "it-menardi";

    public static HeldOutReport Measure(AudioEncoder pretrained, AudioEncoder untrained, SpokenDigits data)
    {
        var shared = CrossSpeakerProbe.SharedWords(data, A, B);
        // Both directions: centroids from one speaker, test on the other.
        double Both(AudioEncoder e, IReadOnlyList<string> words) =>
            (CrossSpeakerProbe.Accuracy(e, data, A, B, words) + CrossSpeakerProbe.Accuracy(e, data, B, A, words)) / 2;
        return new HeldOutReport(Both(pretrained, CrossSpeakerProbe.DigitWords), Both(untrained, CrossSpeakerProbe.DigitWords),
                                 Both(pretrained, shared), Both(untrained, shared), shared.Count);
    }

    public override string ToString() =>
        $"held-out Italian speakers, cross-speaker nearest centroid (mean of both directions):\n" +
        $"  digits 0-9 ({10} classes):          pretrained {100 * DigitsPretrained:F1} %   untrained {100 * DigitsUntrained:F1} %   chance 10.0 %\n" +
        $"  shared digits/ words ({WordCount} classes): pretrained {100 * WordsPretrained:F1} %   untrained {100 * WordsUntrained:F1} %   chance {100.0 / WordCount:F1} %";
}
