using Tutorials.Audio;
using TorchSharp;
using static TorchSharp.torch;
using Tutorials.Files;

namespace Tutorials.Data;

/// <summary>
/// One split of the paired digits: each row is one digit, written by hand (an MNIST image) and spoken (a real
/// recording), with the class it shows and says. Images (N, 1, 28, 28) in [0, 1]; waveforms (N, 8000) at 8 kHz.
/// </summary>
public sealed record PairedDigitsSplit(Tensor Images, Tensor Waveforms, Tensor Labels, string Speaker, int[] Failures) : IDisposable
{
    /// <summary>What <see cref="Failures"/> values mean.</summary>
    public static readonly IReadOnlyList<string> FailureNames = ["both sensors work", "camera blocked", "microphone failed"];

    public long Count => Labels.shape[0];
    public void Dispose() { Images.Dispose(); Waveforms.Dispose(); Labels.Dispose(); }
}

/// <summary>
/// The data set of notebook 01: the same digit seen and heard, with each sensor degraded in its own way, so that
/// neither one alone is enough and fusing them is measurably better.
/// <list type="bullet">
/// <item><b>Seen:</b> real handwritten digits (data/mnist-digits-small). A random square hides part of each
/// digit (<see cref="OcclusionSide"/> of 28 pixels): some digits stay readable, others (a 7 with its stem hidden,
/// a 3 that looks like an 8…) do not.</item>
/// <item><b>Heard:</b> real spoken Italian digits (data/spoken-digits). Training pairs use one speaker
/// (<see cref="TrainSpeaker"/>), test pairs another (<see cref="TestSpeaker"/>) whom no model ever heard, not
/// even the audio encoder's pretraining. The spoken-digit set has one recording per digit per speaker, so the
/// training pairs share ten clips and the test pairs another ten; every pair gets its own random speed, shift, gain and
/// noise (augmentation), which is all that varies between the pairs of one digit.</item>
/// <item><b>Sensors fail:</b> for a random <see cref="SensorFailure"/> of the rows the camera is blocked (a
/// <see cref="BlockedSide"/>-pixel square hides most of the digit), for another such share the microphone
/// records only noise; never both. So each sensor alone misses some rows that the other one gets.</item>
/// </list>
/// Test images are unseen too (the MNIST cut's separate test split). Everything is derived from the committed
/// files and a seed, so the same seed gives the same pairs on every machine.
/// </summary>
public static class PairedDigits
{
    public const string TrainSpeaker = "it-carlo";
    public const string TestSpeaker = "it-menardi";

    /// <summary>Side of the square that hides part of each image, in pixels of 28.</summary>
    public const int OcclusionSide = 12;

    /// <summary>Side of the square when the camera is blocked: most of the digit is hidden.</summary>
    public const int BlockedSide = 22;

    /// <summary>Probability that the camera is blocked for a row; the same for the microphone (never both).</summary>
    public const double SensorFailure = 0.35;

    /// <summary>
    /// Builds the training and test pairs: <paramref name="trainPerDigit"/> (≤ 300) and <paramref name="testPerDigit"/>
    /// (≤ 100) rows per digit, ordered by digit (the trainer shuffles).
    /// </summary>
    public static (PairedDigitsSplit Train, PairedDigitsSplit Test) Load(int trainPerDigit, int testPerDigit, long seed = 0)
    {
        if (trainPerDigit is < 1 or > 300 || testPerDigit is < 1 or > 100)
            throw new ArgumentOutOfRangeException(nameof(trainPerDigit),
                $"Expected 1–300 training and 1–100 test pairs per digit (the size of the committed MNIST cut), got {trainPerDigit} and {testPerDigit}.");
        var folder = MnistDigits.FindSmallCut();
        var speech = SpokenDigits.Load();
        var train = Build(MnistDigits.Load(folder, "train"), speech, TrainSpeaker, trainPerDigit, seed);
        var test = Build(MnistDigits.Load(folder, "t10k"), speech, TestSpeaker, testPerDigit, seed + 1_000_003);
        return (train, test);
    }

    static PairedDigitsSplit Build(LabelledImages mnist, SpokenDigits speech, string speaker, int perDigit, long seed)
    {
        using var _ = mnist;
        using var scope = torch.NewDisposeScope();
        var clips = speech.Digits(speaker);                                   // ten recordings, digits 0–9
        var labels = mnist.Labels.data<long>().ToArray();
        var rows = new List<long>();
        var digits = new List<long>();
        for (int d = 0; d < 10; d++)
        {
            var ofDigit = Enumerable.Range(0, labels.Length).Where(i => labels[i] == d).Take(perDigit).ToList();
            if (ofDigit.Count < perDigit)
                throw new InvalidDataException($"The MNIST cut has {ofDigit.Count} images of digit {d}; {perDigit} were asked for.");
            rows.AddRange(ofDigit.Select(i => (long)i));
            digits.AddRange(Enumerable.Repeat((long)d, perDigit));
        }

        // Which sensor fails for which row: 0 = none, 1 = camera blocked, 2 = microphone hears only noise.
        var failure = Failures(rows.Count, seed);
        var images = mnist.Images.index_select(0, torch.tensor(rows.ToArray())).to_type(ScalarType.Float32).div(255).unsqueeze(1);
        var seen = Occlude(images, failure.Select(f => f == 1 ? BlockedSide : OcclusionSide).ToArray(), seed);
        var clean = SpokenDigits.Waveforms(digits.Select(d => clips[(int)d]));  // (N, 8000), the clip of each row's digit
        var heard = new WaveformAugment(seed) { MinSnrDb = 5, MaxSnrDb = 25, NoiseProbability = 1.0 }.Apply(clean);
        var silent = torch.tensor(failure.Select(f => f == 2 ? 0f : 1f).ToArray()).unsqueeze(1);
        var noiseOnly = torch.randn(heard.shape, generator: new torch.Generator((ulong)seed + 7)) * 0.05f;
        heard = heard * silent + noiseOnly * (1 - silent);
        return new PairedDigitsSplit(seen.MoveToOuterDisposeScope(), heard.MoveToOuterDisposeScope(),
            torch.tensor(digits.ToArray()).MoveToOuterDisposeScope(), speaker, failure);
    }

    /// <summary>Per row: 0 = both sensors work, 1 = camera blocked, 2 = microphone failed (seeded; never both).</summary>
    public static int[] Failures(int count, long seed)
    {
        var u = torch.rand([count], generator: new torch.Generator((ulong)seed + 3)).data<float>().ToArray();
        return u.Select(x => x < SensorFailure ? 1 : x < 2 * SensorFailure ? 2 : 0).ToArray();
    }

    /// <summary>Sets a random square of side <paramref name="sides"/>[i] pixels of image i to black (seeded).</summary>
    public static Tensor Occlude(Tensor images, int[] sides, long seed)
    {
        var generator = new torch.Generator((ulong)seed);
        long n = images.shape[0], h = images.shape[2], w = images.shape[3];
        var u = torch.rand([n, 2], generator: generator).data<float>().ToArray();
        var mask = torch.ones_like(images);
        for (long i = 0; i < n; i++)
        {
            int side = sides[i];
            long top = (long)(u[2 * i] * (h - side + 1)), left = (long)(u[2 * i + 1] * (w - side + 1));
            mask[i, TensorIndex.Colon, TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)] = 0f;
        }
        return images * mask;
    }
}
