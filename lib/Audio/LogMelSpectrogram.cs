using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Audio;

/// <summary>
/// Waveform [batch, samples] → log-mel spectrogram [batch, nMels, frames], built from torch operations only:
/// Hann-windowed STFT → power |X|² → mel filterbank (<see cref="MelFilterbank"/>) → log(· + eps).
/// Being torch operations, it runs on the model's device and inside autograd like any other layer.
/// </summary>
public sealed class LogMelSpectrogram : nn.Module<Tensor, Tensor>
{
    public int SampleRate { get; }
    public int NFft { get; }
    public int HopLength { get; }
    public int NMels { get; }
    public double Eps { get; }

    public LogMelSpectrogram(int sampleRate = 8000, int nFft = 256, int hopLength = 80, int nMels = 40,
                             double fMin = 20, double? fMax = null, double eps = 1e-6) : base(nameof(LogMelSpectrogram))
    {
        (SampleRate, NFft, HopLength, NMels, Eps) = (sampleRate, nFft, hopLength, nMels, eps);
        var fb = MelFilterbank.Build(nFft / 2 + 1, sampleRate, nMels, fMin, fMax ?? sampleRate / 2.0);
        // Constants, not learned: non-persistent buffers follow .to(device) but stay out of the saved weights.
        register_buffer("window", torch.hann_window(nFft, periodic: true), persistent: false);
        register_buffer("mel_basis", torch.tensor(Flatten(fb), new long[] { fb.GetLength(0), fb.GetLength(1) }), persistent: false);
    }

    /// <summary>Number of frames for a clip of <paramref name="samples"/> samples (centred STFT).</summary>
    public long Frames(long samples) => samples / HopLength + 1;

    public override Tensor forward(Tensor waveform)
    {
        if (waveform.dim() != 2)
            throw new ArgumentException($"LogMelSpectrogram expects a waveform batch [batch, samples], got shape [{string.Join(", ", waveform.shape)}]. " +
                                        "Add a batch dimension with .unsqueeze(0) for a single clip.", nameof(waveform));
        using var scope = torch.NewDisposeScope();
        var spec = torch.stft(waveform, NFft, hop_length: HopLength, win_length: NFft, window: GetBuffer("window"),
                              center: true, pad_mode: PaddingModes.Reflect, normalized: false, onesided: true, return_complex: true);
        var power = spec.abs().square();                                  // [B, nFreqs, frames]
        var mel = torch.matmul(power.transpose(1, 2), GetBuffer("mel_basis")); // [B, frames, nMels]
        return torch.log(mel + Eps).transpose(1, 2).MoveToOuterDisposeScope(); // [B, nMels, frames]
    }

    // Looked up by name each call, so the tensors on the module's current device are used.
    Tensor GetBuffer(string name) => get_buffer(name) ?? throw new InvalidOperationException($"buffer {name} missing");

    static float[] Flatten(float[,] m)
    {
        var flat = new float[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, m.Length * sizeof(float));
        return flat;
    }
}
