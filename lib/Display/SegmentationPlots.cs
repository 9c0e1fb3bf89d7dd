using Plotly.NET;
using Plotly.NET.LayoutObjects;
using TorchSharp;
using static TorchSharp.torch;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Tutorials.Display;

namespace Tutorials.Display;

/// <summary>
/// Segmentation results side by side: one row per scene, one column per view (image, depth, ground truth, one
/// or more predictions), drawn as Plotly images in a grid. Every panel is an RGB image (masks and depth are
/// coloured here), so all panels share one colour meaning and show square pixels with row 0 at the top.
/// </summary>
public static class SegmentationPlots
{
    /// <summary>Colours of classes 0, 1, 2, … (background dark gray, then distinct hues).</summary>
    public static readonly IReadOnlyList<(int R, int G, int B)> Palette =
        [(40, 40, 40), (230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (213, 94, 0), (204, 121, 167), (255, 255, 255)];

    // A five-stop approximation of the viridis colour map (dark purple → yellow).
    static readonly (double R, double G, double B)[] Viridis = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];

    /// <summary>
    /// A grid with a row per scene in <paramref name="indices"/>: the RGB image (N, 3, H, W) in [0, 1], the depth
    /// map (N, 1, H, W) coloured near = yellow, far = purple, the true mask (N, H, W) and each prediction (N, H, W).
    /// </summary>
    public static GenericChart Grid(Tensor rgb, Tensor depth, Tensor mask, IReadOnlyList<(string Title, Tensor Predicted)> predictions,
        IReadOnlyList<string> classNames, IReadOnlyList<int> indices, int panelPixels = 150)
    {
        if (indices.Count == 0) throw new ArgumentException("Expected at least one scene index to show, got none.", nameof(indices));
        if (classNames.Count > Palette.Count) throw new ArgumentException($"The palette has {Palette.Count} colours, got {classNames.Count} classes.");
        var charts = new List<GenericChart>();
        var titles = new List<string>();
        foreach (var i in indices)
        {
            charts.Add(Image(RgbPixels(rgb[i])));
            titles.Add($"scene {i}: image");
            charts.Add(Image(DepthPixels(depth[i][0])));
            titles.Add("depth (near = yellow)");
            charts.Add(Image(MaskPixels(mask[i])));
            titles.Add("ground truth");
            foreach (var (title, predicted) in predictions)
            {
                charts.Add(Image(MaskPixels(predicted[i])));
                titles.Add(title);
            }
        }
        int cols = 3 + predictions.Count;
        var legend = string.Join("  ", classNames.Select((n, k) => $"<span style=\"color:rgb{Palette[k]}\">■</span> {n}"));
        return CSharpChart.Grid(charts, nRows: indices.Count, nCols: cols, SubPlotTitles: titles,
                Pattern: StyleParam.LayoutGridPattern.Independent, XGap: 0.05, YGap: 0.25)
            .WithTitle($"Classes: {legend}")
            .WithPixelSize(cols * panelPixels, indices.Count * (panelPixels + 20) + 80);
    }

    static GenericChart Image(int[][][] pixels) =>
        CSharpChart.Image<string>(Z: pixels)
            .WithXAxis(BareAxis())
            .WithYAxis(BareAxis());

    // Pixels need no tick labels or grid lines.
    static LinearAxis BareAxis()
    {
        var axis = new LinearAxis();
        axis.SetProperty("showticklabels", false);
        axis.SetProperty("showgrid", false);
        axis.SetProperty("zeroline", false);
        return axis;
    }

    static GenericChart WithXAxis(this GenericChart chart, LinearAxis axis) => Chart.withXAxis(axis, null).Invoke(chart);
    static GenericChart WithYAxis(this GenericChart chart, LinearAxis axis) => Chart.withYAxis(axis, null).Invoke(chart);

    /// <summary>(3, H, W) floats in [0, 1] → H × W × [r, g, b] bytes as ints.</summary>
    public static int[][][] RgbPixels(Tensor image)
    {
        var (h, w) = ((int)image.shape[1], (int)image.shape[2]);
        var v = image.cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        return Rows(h, w, (y, x) => [To255(v[y * w + x]), To255(v[h * w + y * w + x]), To255(v[2 * h * w + y * w + x])]);
    }

    /// <summary>(H, W) depth → colours, scaled to the map's own range (near = yellow, far = purple).</summary>
    public static int[][][] DepthPixels(Tensor depth)
    {
        var (h, w) = ((int)depth.shape[0], (int)depth.shape[1]);
        var v = depth.cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        float min = v.Min(), max = v.Max(), range = Math.Max(max - min, 1e-6f);
        return Rows(h, w, (y, x) => ColourMap(1 - (v[y * w + x] - min) / range));
    }

    /// <summary>(H, W) class indices → palette colours.</summary>
    public static int[][][] MaskPixels(Tensor mask)
    {
        var (h, w) = ((int)mask.shape[0], (int)mask.shape[1]);
        var v = mask.cpu().to_type(ScalarType.Int64).contiguous().data<long>().ToArray();
        return Rows(h, w, (y, x) => { var c = Palette[(int)Math.Clamp(v[y * w + x], 0, Palette.Count - 1)]; return [c.R, c.G, c.B]; });
    }

    static int[][][] Rows(int h, int w, Func<int, int, int[]> pixel) =>
        Enumerable.Range(0, h).Select(y => Enumerable.Range(0, w).Select(x => pixel(y, x)).ToArray()).ToArray();

    static int To255(float v) => (int)Math.Round(Math.Clamp(v, 0f, 1f) * 255);

    static int[] ColourMap(double t)
    {
        t = Math.Clamp(t, 0, 1) * (Viridis.Length - 1);
        int i = Math.Min((int)t, Viridis.Length - 2);
        double f = t - i;
        var (a, b) = (Viridis[i], Viridis[i + 1]);
        return [(int)(a.R + (b.R - a.R) * f), (int)(a.G + (b.G - a.G) * f), (int)(a.B + (b.B - a.B) * f)];
    }
}
