namespace Tutorials.Audio;

/// <summary>
/// Triangular filters spaced evenly on the mel scale (HTK formula, no area normalisation) — the same
/// definition as torchaudio's <c>melscale_fbanks(..., norm=None, mel_scale="htk")</c>, written out here so
/// that every number can be checked by hand.
/// </summary>
public static class MelFilterbank
{
    /// <summary>Hertz to mel: 2595·log10(1 + f/700). 1000 Hz is about 1000 mel.</summary>
    public static double HzToMel(double hz) => 2595.0 * Math.Log10(1.0 + hz / 700.0);

    /// <summary>Mel to hertz, the inverse of <see cref="HzToMel"/>.</summary>
    public static double MelToHz(double mel) => 700.0 * (Math.Pow(10.0, mel / 2595.0) - 1.0);

    /// <summary>
    /// Filter weights as a [nFreqs, nMels] matrix, nFreqs = nFft/2 + 1 bins from 0 Hz to sampleRate/2.
    /// Filter m rises linearly from edge m to its centre m+1 and falls to edge m+2, where the nMels + 2 edges
    /// are evenly spaced in mel between fMin and fMax. Multiply a power spectrum [.., nFreqs] by it.
    /// </summary>
    public static float[,] Build(int nFreqs, int sampleRate, int nMels, double fMin, double fMax)
    {
        if (nFreqs < 2 || nMels < 1) throw new ArgumentOutOfRangeException(nameof(nMels), $"need nFreqs >= 2 and nMels >= 1, got {nFreqs} and {nMels}");
        if (!(0 <= fMin && fMin < fMax && fMax <= sampleRate / 2.0))
            throw new ArgumentOutOfRangeException(nameof(fMax), $"need 0 <= fMin < fMax <= sampleRate/2 = {sampleRate / 2.0}, got fMin {fMin}, fMax {fMax}");

        double melLo = HzToMel(fMin), melHi = HzToMel(fMax);
        var edges = new double[nMels + 2];
        for (int i = 0; i < edges.Length; i++) edges[i] = MelToHz(melLo + (melHi - melLo) * i / (nMels + 1));

        var weights = new float[nFreqs, nMels];
        for (int k = 0; k < nFreqs; k++)
        {
            double f = (double)sampleRate / 2 * k / (nFreqs - 1); // centre frequency of STFT bin k
            for (int m = 0; m < nMels; m++)
            {
                double rising = (f - edges[m]) / (edges[m + 1] - edges[m]);
                double falling = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
                weights[k, m] = (float)Math.Max(0.0, Math.Min(rising, falling));
            }
        }
        return weights;
    }
}
