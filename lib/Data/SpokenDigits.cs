using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;
using Tutorials.Files;

namespace Tutorials.Data;

/// <summary>One recording: who says which word. <see cref="Label"/> is 0–9 for the digits, −1 for other words.</summary>
public sealed record SpokenClip(string Set, string Language, string Speaker, string Word, int Label, float[] Samples)
{
    public bool IsDigit => Label >= 0;
    public override string ToString() => $"{Set}:{Word} ({Samples.Length} samples)";
}

/// <summary>
/// The committed data set in <c>data/spoken-digits/</c>: real recordings of spoken digits and short words,
/// 8 kHz, six speaker sets (see PROVENANCE.md there). Clips are stored trimmed and variable-length in G.711 mu-law;
/// <see cref="Waveforms"/> pads each one to 1 s, centred.
/// </summary>
public sealed class SpokenDigits
{
    public const int SampleRate = 8000;
    /// <summary>Every clip is padded to this many samples (1 s) before it reaches a model.</summary>
    public const int ClipSamples = 8000;
    public const string IndexPath = "data/spoken-digits/index.tsv";
    public const string Regenerate = "python3 scripts/audio/prepare_spoken_digits.py";

    public IReadOnlyList<SpokenClip> Clips { get; }

    SpokenDigits(IReadOnlyList<SpokenClip> clips) => Clips = clips;

    /// <summary>Speaker-set ids in file order: en-allison, es-allison, fr-june, ru-ivrvoice, it-carlo, it-menardi.</summary>
    public IReadOnlyList<string> Sets => Clips.Select(c => c.Set).Distinct().ToList();

    /// <summary>Loads index.tsv and clips.ulaw from <paramref name="folder"/>, or from the repository's data folder.</summary>
    public static SpokenDigits Load(string? folder = null)
    {
        var index = folder is null ? DataFiles.Find(IndexPath, Regenerate) : Path.Combine(folder, "index.tsv");
        var blobPath = Path.Combine(Path.GetDirectoryName(index)!, "clips.ulaw");
        if (!File.Exists(index) || !File.Exists(blobPath))
            throw new FileNotFoundException($"Expected index.tsv and clips.ulaw in '{Path.GetDirectoryName(index)}'. Regenerate them: {Regenerate}");
        var blob = File.ReadAllBytes(blobPath);

        var lines = File.ReadAllLines(index);
        const string header = "set\tlanguage\tspeaker\tword\tlabel\toffset\tlength\tpackage\tlicence";
        if (lines.Length == 0 || lines[0] != header)
            throw new InvalidDataException($"'{index}' should start with the header '{header}', got '{lines.FirstOrDefault()}'. Regenerate it: {Regenerate}");
        var clips = new List<SpokenClip>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = line.Split('\t');
            int offset = int.Parse(f[5], CultureInfo.InvariantCulture), length = int.Parse(f[6], CultureInfo.InvariantCulture);
            if (offset < 0 || length <= 0 || offset + length > blob.Length)
                throw new InvalidDataException($"'{index}': clip {f[0]}:{f[3]} points at bytes {offset}..{offset + length} but clips.ulaw has {blob.Length} bytes. Regenerate both: {Regenerate}");
            var samples = new float[length];
            for (int i = 0; i < length; i++) samples[i] = MuLaw.Decode(blob[offset + i]) / 32768f;
            clips.Add(new SpokenClip(f[0], f[1], f[2], f[3], int.Parse(f[4], CultureInfo.InvariantCulture), samples));
        }
        return new SpokenDigits(clips);
    }

    /// <summary>The ten digits of one speaker set, ordered 0..9.</summary>
    public IReadOnlyList<SpokenClip> Digits(string set)
    {
        var digits = Clips.Where(c => c.Set == set && c.IsDigit).OrderBy(c => c.Label).ToList();
        if (digits.Count != 10)
            throw new ArgumentException($"Expected 10 digit clips for set '{set}', found {digits.Count}. Known sets: {string.Join(", ", Sets)}.", nameof(set));
        return digits;
    }

    /// <summary>Stacks clips into a [count, 8000] float tensor, each clip centred in 1 s of silence.</summary>
    public static Tensor Waveforms(IEnumerable<SpokenClip> clips)
    {
        var list = clips.ToList();
        var data = new float[list.Count * ClipSamples];
        for (int i = 0; i < list.Count; i++) PadCentered(list[i].Samples, ClipSamples).CopyTo(data, i * ClipSamples);
        return torch.tensor(data, new long[] { list.Count, ClipSamples });
    }

    /// <summary>Centres <paramref name="samples"/> in <paramref name="length"/> samples: zero-pads, or cuts the middle out.</summary>
    public static float[] PadCentered(float[] samples, int length)
    {
        var result = new float[length];
        if (samples.Length <= length) Array.Copy(samples, 0, result, (length - samples.Length) / 2, samples.Length);
        else Array.Copy(samples, (samples.Length - length) / 2, result, 0, length);
        return result;
    }
}

/// <summary>G.711 mu-law, the 8-bit telephone encoding the data file uses (encoder: scripts/audio/prepare_spoken_digits.py).</summary>
public static class MuLaw
{
    /// <summary>One mu-law byte to a 16-bit sample value (−32124..32124).</summary>
    public static int Decode(byte code)
    {
        int b = ~code & 0xFF;
        int magnitude = ((((b & 0x0F) << 3) + 0x84) << ((b >> 4) & 0x07)) - 0x84;
        return (b & 0x80) != 0 ? -magnitude : magnitude;
    }
}
