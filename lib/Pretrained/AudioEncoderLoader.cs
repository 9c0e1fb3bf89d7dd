using TorchSharp;
using Tutorials.Audio;
using static TorchSharp.torch;
using Tutorials.Backbones;
using Tutorials.Environment;
using Tutorials.Files;

namespace Tutorials.Pretrained;

/// <summary>
/// Loads the audio encoder the kit pretrained (tools/PretrainAudio) from the committed file
/// <c>data/pretrained/audio-encoder.dat</c>, after checking that the file is exactly the one that was committed.
/// </summary>
public static class AudioEncoderLoader
{
    public const string RelativePath = "data/pretrained/audio-encoder.dat";
    /// <summary>SHA-256 of the committed weights (data/pretrained/audio-encoder.md records how they were made).</summary>
    public const string Sha256 = "db6c02caacd213d475614597141dc4c65630d13d8692db41335d97d010b57725";
    public const string Regenerate = "dotnet run -c Release --project tools/PretrainAudio";

    /// <summary>
    /// The pretrained encoder, as trained (nothing frozen), in eval mode, on <paramref name="device"/> (CPU by default).
    /// <paramref name="path"/> overrides the search for the committed file; <paramref name="expectedSha256"/> = null skips
    /// the check (for weights you regenerated yourself on another machine).
    /// </summary>
    public static AudioEncoder Load(Device? device = null, string? path = null, string? expectedSha256 = Sha256)
    {
        TorchSharpNativeFix.Apply();
        path = CommittedWeights.Checked("Audio encoder", RelativePath, Regenerate, path, expectedSha256);
        var encoder = new AudioEncoder();
        encoder.load(path);
        if (device is not null) encoder.to(device);
        encoder.eval();   // as trained, ready for inference; a notebook that keeps it fixed freezes it (Freezer.Freeze)
        return encoder;
    }
}
