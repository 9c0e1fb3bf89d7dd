using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;
using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Display;

/// <summary>
/// Recordings you can hear inside a notebook (notebook 01's "meet the data"): each clip becomes an HTML
/// <c>&lt;audio&gt;</c> element whose source is the WAV file itself, written into the page as a base64 data URI, so
/// it plays offline and survives in the saved notebook and its HTML page; beside it, the clip's log-mel spectrogram
/// as a picture (time to the right, pitch upwards, loud = bright).
/// </summary>
public static class AudioPlayer
{
    /// <summary>A 16-bit PCM mono WAV file of <paramref name="samples"/> (values in [−1, 1], clipped).</summary>
    public static byte[] Wav(float[] samples, int sampleRate)
    {
        if (sampleRate < 1) throw new ArgumentOutOfRangeException(nameof(sampleRate), $"Expected a positive sample rate, got {sampleRate}.");
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.ASCII);
        int dataBytes = samples.Length * 2;
        w.Write("RIFF"u8.ToArray()); w.Write(36 + dataBytes); w.Write("WAVE"u8.ToArray());
        w.Write("fmt "u8.ToArray()); w.Write(16); w.Write((short)1); w.Write((short)1);   // PCM, mono
        w.Write(sampleRate); w.Write(sampleRate * 2); w.Write((short)2); w.Write((short)16);
        w.Write("data"u8.ToArray()); w.Write(dataBytes);
        foreach (var s in samples) w.Write((short)Math.Round(Math.Clamp(s, -1f, 1f) * 32767f));
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>
    /// One figure per clip: a caption, a player and the log-mel picture. <paramref name="waveforms"/> (N, samples)
    /// in [−1, 1]; <paramref name="logMels"/> (N, mels, frames), e.g. <c>audioEncoder.LogMelOf(waveforms)</c>.
    /// </summary>
    public static HtmlString WithLogMel(Tensor waveforms, Tensor logMels, IReadOnlyList<string> captions, int sampleRate, int pixelsPerBin = 3)
    {
        if (waveforms.dim() != 2 || logMels.dim() != 3 || logMels.shape[0] != waveforms.shape[0])
            throw new ArgumentException(
                $"Expected waveforms (N, samples) and log-mel spectrograms (N, mels, frames) with the same N, got " +
                $"[{string.Join(", ", waveforms.shape)}] and [{string.Join(", ", logMels.shape)}].");
        int n = (int)waveforms.shape[0];
        if (captions.Count != n) throw new ArgumentException($"Expected {n} captions (one per clip), got {captions.Count}.", nameof(captions));
        var html = new StringBuilder("<div style=\"display:flex;flex-wrap:wrap;gap:18px\">");
        for (int i = 0; i < n; i++)
        {
            var samples = waveforms[i].to_type(ScalarType.Float32).cpu().data<float>().ToArray();
            var wav = Convert.ToBase64String(Wav(samples, sampleRate));
            var (png, width, height) = Picture(logMels[i]);
            html.Append("<figure style=\"margin:0;font-size:12px\">")
                .Append($"<figcaption style=\"margin-bottom:4px\">{WebUtility.HtmlEncode(captions[i])}</figcaption>")
                .Append($"<audio controls preload=\"none\" src=\"data:audio/wav;base64,{wav}\"></audio><br>")
                .Append($"<img alt=\"log-mel spectrogram\" src=\"data:image/png;base64,{png}\" ")
                .Append($"style=\"width:{width * pixelsPerBin}px;height:{height * pixelsPerBin}px;image-rendering:pixelated\">")
                .Append("<div style=\"color:#666\">log-mel: time →, mel band ↑</div></figure>");
        }
        return new HtmlString(html.Append("</div>").ToString());
    }

    /// <summary>(mels, frames) → a grey PNG, the lowest band at the bottom, scaled from the clip's min to max.</summary>
    static (string Base64, int Width, int Height) Picture(Tensor logMel)
    {
        using var scope = torch.NewDisposeScope();
        var m = logMel.to_type(ScalarType.Float32).cpu().flip(0);         // row 0 = highest band: pictures grow downwards
        var (lo, hi) = (m.min().item<float>(), m.max().item<float>());
        var bytes = ((m - lo) / Math.Max(hi - lo, 1e-6f)).mul(255).round().to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
        int height = (int)m.shape[0], width = (int)m.shape[1];
        return (Convert.ToBase64String(PngEncoder.Grey(bytes, width, height)), width, height);
    }
}
