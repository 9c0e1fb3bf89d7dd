using Tutorials.Audio;
using Tutorials.Pretrained;
using Tutorials.Backbones;
using Tutorials.Data;
using Tutorials.Evaluation;
using Tutorials.Files;
using Tutorials.Freezing;

namespace Tutorials.Tests.Audio;

/// <summary>
/// Evidence that the committed encoder learned something that transfers: on two Italian speakers it never heard
/// (Italian was held out of pretraining), a nearest-centroid classifier built from one speaker's words recognises
/// the other speaker's words far better with pretrained features than with the same network's random weights.
/// </summary>
[Trait("Category", "Slow")]
public class PretrainedAudioEncoderTests
{
    const string A = "it-carlo", B = "it-menardi";

    static double BothDirections(AudioEncoder encoder, SpokenDigits data, IReadOnlyList<string> words) =>
        (CrossSpeakerProbe.Accuracy(encoder, data, A, B, words) + CrossSpeakerProbe.Accuracy(encoder, data, B, A, words)) / 2;

    [Fact]
    public void FrozenFeaturesRecogniseHeldOutSpeakersWords()
    {
        var data = SpokenDigits.Load();
        var pretrained = Freezer.Freeze(AudioEncoderLoader.Load());
        torch.manual_seed(0); // the initial weights the pretraining started from
        var untrained = Freezer.Freeze(new AudioEncoder());

        var digits = CrossSpeakerProbe.DigitWords;
        var shared = CrossSpeakerProbe.SharedWords(data, A, B);
        double digitsPre = BothDirections(pretrained, data, digits), digitsRandom = BothDirections(untrained, data, digits);
        double wordsPre = BothDirections(pretrained, data, shared), wordsRandom = BothDirections(untrained, data, shared);
        var summary = $"digits: pretrained {digitsPre:P1}, random {digitsRandom:P1}; {shared.Count} words: pretrained {wordsPre:P1}, random {wordsRandom:P1}";

        // Measured (data/pretrained/audio-encoder.md): digits 65.0 % vs 35.0 % random (chance 10 %);
        // 59 shared number words 13.6 % vs 7.6 % random (chance 1.7 %). Thresholds leave a little room below them.
        Assert.True(digitsPre >= 0.55, summary);
        Assert.True(digitsPre >= digitsRandom + 0.20, "pretrained must clearly beat random weights on digits: " + summary);
        Assert.True(wordsPre >= 0.10, summary);
        Assert.True(wordsPre > wordsRandom, summary);
    }

    [Fact]
    public void LoadedEncoderIsAsTrainedInEvalModeAndNotFrozen()
    {
        // Loaders return models as trained; notebooks freeze them in a cell the learner sees (Freezer).
        var encoder = AudioEncoderLoader.Load();
        Assert.False(encoder.training);
        Assert.All(encoder.parameters(), p => Assert.True(p.requires_grad));
        Assert.Equal(128, encoder.EmbeddingSize);
        Freezer.Freeze(encoder);
        Assert.All(encoder.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void DamagedWeightsFileIsRejectedWithTheFixInTheMessage()
    {
        var original = DataFiles.Find(AudioEncoderLoader.RelativePath, AudioEncoderLoader.Regenerate);
        var copy = Path.Combine(Path.GetTempPath(), $"audio-encoder-{Guid.NewGuid():N}.dat");
        try
        {
            var bytes = File.ReadAllBytes(original);
            bytes[bytes.Length / 2] ^= 0xFF;
            File.WriteAllBytes(copy, bytes);
            var e = Assert.Throws<InvalidDataException>(() => AudioEncoderLoader.Load(path: copy));
            Assert.Contains(AudioEncoderLoader.Sha256, e.Message);
            Assert.Contains(copy, e.Message);
            Assert.Contains(AudioEncoderLoader.Regenerate, e.Message);
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void MissingWeightsFileNamesTheCommandThatMakesIt()
    {
        var e = Assert.Throws<FileNotFoundException>(() => AudioEncoderLoader.Load(path: "/nonexistent/audio-encoder.dat"));
        Assert.Contains("/nonexistent/audio-encoder.dat", e.Message);
        Assert.Contains(AudioEncoderLoader.Regenerate, e.Message);
    }
}
