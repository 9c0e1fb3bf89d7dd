using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Tutorials.Audio;
using Tutorials.Data;
using Tutorials.Environment;

namespace Tutorials.Backbones;

/// <summary>
/// A compact convolutional audio encoder: 1 s of 8 kHz audio → log-mel [40 × 101] → four <see cref="ConvBlock"/>s
/// (16, 32, 64, 128 channels) → global mean + max pooling → a 128-d embedding (ReLU). The embedding is the
/// "penultimate feature" a notebook freezes and reuses; the pretraining classifier head sits outside this module
/// (tools/PretrainAudio), so the saved weights hold the encoder only.
/// Parameter names follow PyTorch conventions: block1.conv.weight, block1.bn.running_var, …, embed.weight.
/// </summary>
public sealed class AudioEncoder : nn.Module<Tensor, Tensor>
{
    public const int SampleRate = SpokenDigits.SampleRate;
    public const int ClipSamples = SpokenDigits.ClipSamples;

    /// <summary>Length of the feature vector <see cref="Features"/> returns.</summary>
    public int EmbeddingSize { get; }

    readonly LogMelSpectrogram logmel;
    readonly ConvBlock block1, block2, block3, block4;
    readonly Linear embed;

    public AudioEncoder(int embeddingSize = 128) : base(nameof(AudioEncoder))
    {
        EmbeddingSize = embeddingSize;
        logmel = new LogMelSpectrogram(SampleRate, nFft: 256, hopLength: 80, nMels: 40);
        // Narrow early blocks keep a training step cheap on two CPU cores (most pixels are there).
        block1 = new ConvBlock(1, 16);
        block2 = new ConvBlock(16, 32);
        block3 = new ConvBlock(32, 64);
        block4 = new ConvBlock(64, 128);
        embed = nn.Linear(2 * 128, embeddingSize); // mean- and max-pooled channels side by side
        RegisterComponents();
    }

    public LogMelSpectrogram LogMel => logmel;

    /// <summary>Same as <see cref="Features"/>: waveforms [batch, 8000] (or one clip [8000]) → [batch, EmbeddingSize].</summary>
    public override Tensor forward(Tensor waveform) => Features(waveform);

    /// <summary>Waveforms [batch, 8000] or a single clip [8000], values in [−1, 1] → embeddings [batch, EmbeddingSize].</summary>
    public Tensor Features(Tensor waveform) => FeaturesFromLogMel(LogMelOf(waveform));

    /// <summary>Checks the waveform's shape and computes its log-mel spectrogram [batch, 40, 101].</summary>
    public Tensor LogMelOf(Tensor waveform)
    {
        if (waveform.dim() == 1) waveform = waveform.unsqueeze(0);
        if (waveform.dim() != 2 || waveform.shape[1] != ClipSamples)
            throw new ArgumentException(
                $"AudioEncoder expects waveforms of shape [batch, {ClipSamples}] (1 s at {SampleRate} Hz) or one clip [{ClipSamples}], " +
                $"got [{string.Join(", ", waveform.shape)}]. Pad or cut clips first, e.g. with SpokenDigits.PadCentered(samples, {ClipSamples}).",
                nameof(waveform));
        return logmel.forward(waveform);
    }

    /// <summary>Log-mel spectrograms [batch, 40, frames] → embeddings [batch, EmbeddingSize].</summary>
    public Tensor FeaturesFromLogMel(Tensor spec)
    {
        if (spec.dim() != 3 || spec.shape[1] != logmel.NMels)
            throw new ArgumentException($"Expected log-mel spectrograms [batch, {logmel.NMels}, frames], got [{string.Join(", ", spec.shape)}].", nameof(spec));
        using var scope = torch.NewDisposeScope();
        // Per-clip standardisation: loudness and recording level stop mattering, only the spectral shape remains.
        var mean = spec.mean(new long[] { 1, 2 }, keepdim: true);
        var std = spec.std(new long[] { 1, 2 }, keepdim: true);
        var x = ConvInput.Contiguous(((spec - mean) / (std + 1e-5)).unsqueeze(1)); // [B, 1, mels, frames], standard layout (ConvInput)
        x = block4.forward(block3.forward(block2.forward(block1.call(x))));
        var pooled = torch.cat(new[] { x.mean(new long[] { 2, 3 }), x.amax(new long[] { 2, 3 }) }, dim: 1);
        return nn.functional.relu(embed.forward(pooled)).MoveToOuterDisposeScope();
    }

}
