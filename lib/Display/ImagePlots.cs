using Plotly.NET;
using Plotly.NET.CSharp;
using Microsoft.AspNetCore.Html;
using TorchSharp;
using static TorchSharp.torch;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Tutorials.Display;

namespace Tutorials.Display;

/// <summary>Pictures of data and results as Plotly charts: image grids and confusion matrices.</summary>
public static class ImagePlots
{
    /// <summary>
    /// Grey images (N, 1, H, W) or (N, H, W), values in [0, 1], as a grid of small pictures with a caption each
    /// (white strokes on black, like MNIST). Rendered as HTML with embedded PNGs: pixel-exact and offline.
    /// </summary>
    public static HtmlString ImageGrid(Tensor images, IReadOnlyList<string> captions, int columns = 8, int cellPixels = 84)
    {
        var imgs = images.dim() == 4 ? images.squeeze(1) : images;
        if (imgs.dim() != 3)
            throw new ArgumentException($"Expected grey images (N, 1, H, W) or (N, H, W), got [{string.Join(", ", images.shape)}].", nameof(images));
        int n = (int)imgs.shape[0], h = (int)imgs.shape[1], w = (int)imgs.shape[2];
        if (captions.Count != n) throw new ArgumentException($"Expected {n} captions (one per image), got {captions.Count}.", nameof(captions));
        var bytes = imgs.to_type(ScalarType.Float32).clamp(0, 1).mul(255).round().to_type(ScalarType.Byte).cpu().data<byte>().ToArray();
        var html = new System.Text.StringBuilder($"<div style=\"display:grid;grid-template-columns:repeat({columns},{cellPixels + 16}px);gap:6px\">");
        for (int i = 0; i < n; i++)
        {
            var png = Convert.ToBase64String(PngEncoder.Grey(bytes[(i * h * w)..((i + 1) * h * w)], w, h));
            html.Append($"<figure style=\"margin:0;text-align:center;font-size:11px\"><img src=\"data:image/png;base64,{png}\" ")
                .Append($"style=\"width:{cellPixels}px;height:{cellPixels * h / w}px;image-rendering:pixelated\">")
                .Append($"<figcaption>{System.Net.WebUtility.HtmlEncode(captions[i])}</figcaption></figure>");
        }
        return new HtmlString(html.Append("</div>").ToString());
    }

    /// <summary>
    /// Counts of (actual, predicted) class pairs as a heatmap: the diagonal holds the correct answers, every other
    /// cell a particular confusion (e.g. 7 read as 1).
    /// </summary>
    public static GenericChart ConfusionMatrix(Tensor predicted, Tensor actual, IReadOnlyList<string> classNames, string title)
    {
        var p = predicted.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        var a = actual.to_type(ScalarType.Int64).cpu().data<long>().ToArray();
        if (p.Length != a.Length)
            throw new ArgumentException($"Expected as many predictions as labels, got {p.Length} and {a.Length}.");
        int k = classNames.Count;
        var counts = new int[k][];
        for (int i = 0; i < k; i++) counts[i] = new int[k];
        for (int i = 0; i < p.Length; i++) counts[a[i]][p[i]]++;
        return CSharpChart.Heatmap<int, string, string, string>(
                zData: counts, X: classNames.ToArray(), Y: classNames.ToArray(), ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true)
            .WithXAxisStyle<double, double, string>(TitleText: "predicted")
            .WithYAxisStyle<double, double, string>(TitleText: "actual")
            .WithTitle(title)
            .WithPixelSize(520, 480);
    }
}
