using TorchSharp;
using Tutorials.Data;
using Tutorials.Fusion;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

/// <summary>Which feature vectors a classifier reads: image only, audio only, or both concatenated.</summary>

/// <summary>
/// The cached frozen features of one split of the paired digits (notebook 01's data): image features (N, 256),
/// speaker-normalised audio features (N, 128), labels, which sensor failed per row, and optionally the layer3 maps
/// (N, 256, 4, 4) that notebook 04 fine-tunes layer4 on. Computed once (eval mode, no autograd); every epoch of
/// head training then reads these tensors instead of running the extractors again.
/// </summary>
public sealed class PairedDigitFeatures : IDisposable
{
    public Tensor Image { get; }
    public Tensor Audio { get; }
    public Tensor Labels { get; }
    public int[] Failures { get; }
    public string Speaker { get; }

    /// <summary>layer3 maps (N, 256, 4, 4) when computed with <c>keepMaps: true</c>, else null.</summary>
    public Tensor? Maps { get; }

    /// <summary>Time the extractors took (zero for a subset made with <see cref="Rows"/>).</summary>
    public TimeSpan Elapsed { get; }

    public long Count => Labels.shape[0];

    public PairedDigitFeatures(Tensor image, Tensor audio, Tensor labels, int[] failures, string speaker, Tensor? maps = null, TimeSpan elapsed = default)
    {
        long n = labels.shape[0];
        if (image.shape[0] != n || audio.shape[0] != n || failures.Length != n || (maps is not null && maps.shape[0] != n))
            throw new ArgumentException($"Expected {n} rows everywhere (the labels' count), got image {image.shape[0]}, audio {audio.shape[0]}, " +
                $"failures {failures.Length}{(maps is null ? "" : $", maps {maps.shape[0]}")}.");
        (Image, Audio, Labels, Failures, Speaker, Maps, Elapsed) = (image, audio, labels, failures, speaker, maps, elapsed);
    }

    /// <summary>
    /// Runs both frozen extractors once over <paramref name="split"/>. With <paramref name="normalizeSpeaker"/> the
    /// audio features are standardised with the statistics of all of this split's clips (one speaker per split,
    /// noise-only clips included; no labels used).
    /// </summary>
    public static PairedDigitFeatures Compute(PairedDigitExtractors extractors, PairedDigitsSplit split, bool keepMaps = false, bool normalizeSpeaker = true)
    {
        var device = extractors.Device;
        Tensor image, audio;
        Tensor? maps = null;
        TimeSpan elapsed;
        if (keepMaps)
        {
            using var flat = FrozenFeatures.Compute(extractors.ResNet, d => extractors.Layer3Maps(d).flatten(1), split.Images, device: device);
            maps = flat.Values.view(split.Count, -1, 4, 4).clone();  // the cache stores rows; the maps are rows reshaped
            image = maps.mean([2, 3]);
            elapsed = flat.Elapsed;
        }
        else
        {
            var cached = FrozenFeatures.Compute(extractors.ResNet, extractors.ImageFeatures, split.Images, device: device);
            (image, elapsed) = (cached.Values, cached.Elapsed);
        }
        using (var raw = FrozenFeatures.Compute(extractors.AudioEncoder, extractors.AudioFeatures, split.Waveforms, device: device))
        {
            audio = normalizeSpeaker ? SpeakerNormalization.Standardize(raw.Values) : raw.Values.clone();
            elapsed += raw.Elapsed;
        }
        Environment.FreedMemory.ReturnToSystem();   // the extractors' activations are freed; give their pages back too
        return new PairedDigitFeatures(image, audio, split.Labels.clone(), split.Failures, split.Speaker, maps, elapsed);
    }

    /// <summary>The given rows (a copy), e.g. the validation part of the training pairs.</summary>
    public PairedDigitFeatures Rows(long[] rows)
    {
        using var index = torch.tensor(rows);
        return new PairedDigitFeatures(Image.index_select(0, index), Audio.index_select(0, index), Labels.index_select(0, index),
            rows.Select(r => Failures[r]).ToArray(), Speaker, Maps?.index_select(0, index));
    }

    /// <summary>The first <paramref name="perDigit"/> rows of each digit: a small class-balanced subset.</summary>
    public PairedDigitFeatures FirstPerDigit(int perDigit)
    {
        var labels = Labels.data<long>().ToArray();
        var rows = Enumerable.Range(0, labels.Length).GroupBy(i => labels[i]).SelectMany(g => g.Take(perDigit)).Select(i => (long)i).ToArray();
        return Rows(rows);
    }

    /// <summary>
    /// Carves a validation split out of these rows: <paramref name="fraction"/> of each digit's rows, drawn with
    /// <paramref name="seed"/>, so both parts keep all ten digits in the same proportions. The rest is for fitting.
    /// </summary>
    public (PairedDigitFeatures Fit, PairedDigitFeatures Validation) SplitValidation(double fraction = 0.2, long seed = 0)
    {
        if (fraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(fraction), $"Expected a validation fraction strictly between 0 and 1, got {fraction}.");
        var labels = Labels.data<long>().ToArray();
        var random = new Random((int)seed);
        var held = new List<long>();
        foreach (var digit in labels.Distinct().Order())
        {
            var rows = Enumerable.Range(0, labels.Length).Where(i => labels[i] == digit).ToArray();
            random.Shuffle(rows);
            int take = (int)Math.Round(rows.Length * fraction);
            if (take < 1 || take == rows.Length)
                throw new ArgumentException($"Digit {digit} has {rows.Length} rows; a fraction of {fraction} leaves no row for one side. Load more pairs per digit.");
            held.AddRange(rows.Take(take).Select(i => (long)i));
        }
        var heldSet = held.ToHashSet();
        var fit = Enumerable.Range(0, labels.Length).Select(i => (long)i).Where(i => !heldSet.Contains(i)).ToArray();
        return (Rows(fit), Rows(held.Order().ToArray()));
    }

    /// <summary>
    /// The features of the named <paramref name="modalities"/> ("image", "audio"), keyed by name, as a fusion reads them.
    /// </summary>
    public Dictionary<string, Tensor> For(IReadOnlyList<string> modalities) =>
        modalities.ToDictionary(m => m, FeaturesOf);

    /// <summary>The same modalities declared for a <see cref="FusionClassifier"/>: their names and feature sizes, in this order.</summary>
    public FusionInput[] Declare(IReadOnlyList<string> modalities) =>
        modalities.Select(m => new FusionInput(m, FeaturesOf(m).shape[1])).ToArray();

    Tensor FeaturesOf(string modality) => modality switch
    {
        "image" => Image,
        "audio" => Audio,
        _ => throw new ArgumentException(
            $"Expected the modality \"image\" or \"audio\", got \"{modality}\". The paired digits have one image and one recording each."),
    };

    public void Dispose()
    {
        Image.Dispose(); Audio.Dispose(); Labels.Dispose(); Maps?.Dispose();
    }
}
