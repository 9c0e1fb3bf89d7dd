using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.Chart;
using Color = Plotly.NET.Color;
using static TorchSharp.torch;
using CSharpChart = Plotly.NET.CSharp.Chart;
using Tutorials.Display;

// Scaffolding for notebook 03 (03-contrastive-shared-space): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>Charts for a shared embedding space: a 2-D scatter of both modalities, a similarity heatmap, retrieval examples.</summary>
public static class EmbeddingPlots
{
    /// <summary>Plotly's ten default colours (D3 "category10"): one per class, the same in every chart.</summary>
    public static readonly IReadOnlyList<string> Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>One group of points to scatter: 2-D coordinates (N, 2), one class per point, and the modality's name.</summary>
    public sealed record Group(Tensor Points, IReadOnlyList<int> Classes, string Modality, bool Filled);

    /// <summary>
    /// A scatter of 2-D points: <b>colour = class</b> (the same in both modalities), <b>marker = modality</b>
    /// (filled circles for one group, open diamonds for the other). Classes in <paramref name="markedClasses"/>
    /// (e.g. the zero-shot classes) are drawn opaque and labelled "(zero-shot)". One legend entry per class and
    /// modality, grouped by class, so clicking a class hides both its images and its captions.
    /// In a good shared space the circles and diamonds of a colour overlap.
    /// </summary>
    public static GenericChart Scatter(IEnumerable<Group> groups, IReadOnlyList<string> classNames, string title,
        IReadOnlyCollection<int>? markedClasses = null, string axis = "component")
    {
        var traces = new List<GenericChart>();
        foreach (var g in groups)
        {
            if (g.Points.dim() != 2 || g.Points.shape[1] != 2 || g.Points.shape[0] != g.Classes.Count)
                throw new ArgumentException($"Expected ({g.Classes.Count}, 2) points for {g.Modality}, got ({string.Join(", ", g.Points.shape)}). Project to 2-D first (Pca, TSne).");
            var xy = g.Points.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
            foreach (var c in g.Classes.Distinct().OrderBy(c => c))
            {
                bool marked = markedClasses?.Contains(c) ?? false;
                var rows = Enumerable.Range(0, g.Classes.Count).Where(i => g.Classes[i] == c).ToList();
                traces.Add(CSharpChart.Point<double, double, string>(
                    x: rows.Select(i => xy[2 * i]), y: rows.Select(i => xy[2 * i + 1]),
                    Name: $"{classNames[c]}{(marked ? " (zero-shot)" : "")} · {g.Modality}",
                    MarkerColor: Color.fromString(Palette[c % Palette.Count]),
                    MarkerSymbol: g.Filled ? StyleParam.MarkerSymbol.Circle : StyleParam.MarkerSymbol.NewModified(StyleParam.MarkerSymbol.Diamond, StyleParam.SymbolStyle.Open),
                    Opacity: marked ? 1.0 : g.Filled ? 0.5 : 0.8).WithTraceInfo(LegendGroup: classNames[c]));
            }
        }
        return CSharpChart.Combine(traces)
            .WithXAxisStyle<double, double, string>(TitleText: $"{axis} 1")
            .WithYAxisStyle<double, double, string>(TitleText: $"{axis} 2")
            .WithTitle(title);
    }

    /// <summary>
    /// One view of a shared space: <paramref name="images"/> (N, D) and <paramref name="texts"/> (N, D) embeddings,
    /// row i of both of class <paramref name="classes"/>[i], projected <b>together</b> to 2-D by
    /// <paramref name="project"/> (PCA, t-SNE: (2N, D) → (2N, 2)), then scattered with images as filled circles and
    /// captions as open diamonds (see <see cref="Scatter"/>).
    /// </summary>
    public static GenericChart Space(Tensor images, Tensor texts, IReadOnlyList<int> classes, IReadOnlyList<string> classNames,
        Func<Tensor, Tensor> project, string axis, IReadOnlyCollection<int>? markedClasses = null)
    {
        if (images.shape[0] != classes.Count || texts.shape[0] != classes.Count)
            throw new ArgumentException($"Expected {classes.Count} image and caption embeddings (one class each), got {images.shape[0]} and {texts.shape[0]}.");
        using var both = cat([images, texts], 0);
        using var xy = project(both);
        long n = images.shape[0];
        return Scatter([new Group(xy.narrow(0, 0, n), classes, "image", Filled: true), new Group(xy.narrow(0, n, n), classes, "caption", Filled: false)],
            classNames, "", markedClasses, axis);
    }

    /// <summary>
    /// Several shared spaces (e.g. before | after | locked text), each drawn by <see cref="Space"/> with the same
    /// projection, side by side (<see cref="SideBySide"/>). Row i of every space is of class <paramref name="classes"/>[i].
    /// </summary>
    public static GenericChart Spaces(IReadOnlyList<(string Title, (Tensor Images, Tensor Texts) Space)> spaces, IReadOnlyList<int> classes,
        IReadOnlyList<string> classNames, Func<Tensor, Tensor> project, string axis, string title, IReadOnlyCollection<int>? markedClasses = null) =>
        SideBySide(spaces.Select(s => Space(s.Space.Images, s.Space.Texts, classes, classNames, project, axis, markedClasses)).ToList(),
            spaces.Select(s => s.Title).ToList(), title);

    /// <summary>Charts next to each other in one row (e.g. before | after), each with its own subplot title.</summary>
    public static GenericChart SideBySide(IReadOnlyList<GenericChart> charts, IReadOnlyList<string> titles, string title, int height = 520)
    {
        if (charts.Count == 0 || charts.Count != titles.Count)
            throw new ArgumentException($"Expected one title per chart, got {charts.Count} charts and {titles.Count} titles.");
        // Only the first chart keeps its legend entries: the classes and colours are the same in every panel.
        var shown = charts.Select((c, i) => i == 0 ? c : c.WithTraceInfo(ShowLegend: false)).ToList();
        return CSharpChart.Grid(shown, nRows: 1, nCols: charts.Count, SubPlotTitles: titles.ToArray())
            .WithPixelSize(520 * charts.Count + 220, height)
            .WithTitle(title);
    }

    /// <summary>A heatmap of a similarity matrix (rows = images, columns = texts), with labels.</summary>
    public static GenericChart Heatmap(Tensor similarity, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, string title)
    {
        if (similarity.dim() != 2 || similarity.shape[0] != rowLabels.Count || similarity.shape[1] != columnLabels.Count)
            throw new ArgumentException($"Expected a {rowLabels.Count}×{columnLabels.Count} matrix, got ({string.Join(", ", similarity.shape)}).");
        var z = Rows(similarity);
        return CSharpChart.Heatmap<double, string, string, string>(zData: z, X: columnLabels.ToArray(), Y: rowLabels.ToArray(), ReverseYAxis: true,
                ColorScale: StyleParam.Colorscale.Viridis)
            .WithTitle(title);
    }

    /// <summary>
    /// The image–caption cosine similarities of the first <paramref name="perClass"/> pairs of each class in
    /// <paramref name="pairs"/> (rows of <paramref name="space"/>): rows are the images, columns their captions, in the
    /// same order, so a trained space shows bright blocks on the diagonal.
    /// </summary>
    public static GenericChart PairHeatmap((Tensor Images, Tensor Texts) space, IReadOnlyList<Tutorials.Data.CaptionedImage> pairs,
        IReadOnlyList<string> classNames, int perClass, string title)
    {
        if (space.Images.shape[0] < pairs.Count || space.Texts.shape[0] < pairs.Count)
            throw new ArgumentException($"Expected a space with a row for each of the {pairs.Count} pairs (row i = pair i), got {space.Images.shape[0]} image " +
                $"and {space.Texts.shape[0]} caption rows. Pass the pairs the space was embedded from (they may be its first rows).");
        var shown = Enumerable.Range(0, pairs.Count).GroupBy(i => pairs[i].Label).SelectMany(g => g.Take(perClass)).ToList();
        using var rows = tensor(shown.Select(i => (long)i).ToArray());
        using var images = space.Images.index_select(0, rows);
        using var texts = space.Texts.index_select(0, rows);
        using var similarity = Tutorials.Contrastive.Retrieval.Similarity(images, texts);
        return Heatmap(similarity, shown.Select((i, k) => $"{k}: {classNames[pairs[i].Label]} image").ToList(),
            shown.Select((i, k) => $"{k}: {pairs[i].Caption}").ToList(), title);
    }

    /// <summary>
    /// Retrieval examples: one row per query caption, showing its top images side by side (gray, as stored).
    /// Each row's images are (k, H, W); the row title lists which of them are correct.
    /// </summary>
    public static GenericChart RetrievedImages(IReadOnlyList<(string Query, Tensor Images, IReadOnlyList<bool> Correct)> rows, string title)
    {
        if (rows.Count == 0) throw new ArgumentException("Expected at least one query to show, got none.");
        var charts = new List<GenericChart>();
        var titles = new List<string>();
        foreach (var (query, images, correct) in rows)
        {
            charts.Add(CSharpChart.Heatmap<double, int, int, string>(zData: Rows(Strip(images)), ReverseYAxis: true, ShowScale: false,
                ColorScale: StyleParam.Colorscale.Greys, ReverseScale: true));
            titles.Add($"\"{query}\" → {string.Join(" ", correct.Select(c => c ? "✓" : "✗"))}");
        }
        return CSharpChart.Grid(charts, nRows: rows.Count, nCols: 1, SubPlotTitles: titles)
            .WithPixelSize(140 * (int)rows[0].Images.shape[0], 150 * rows.Count)
            .WithTitle(title);
    }

    /// <summary>(k, H, W) images → one (H, k·(W+2)) strip with a 2-pixel gap between images.</summary>
    public static Tensor Strip(Tensor images)
    {
        if (images.dim() != 3) throw new ArgumentException($"Expected images (k, H, W), got ({string.Join(", ", images.shape)}).");
        var x = images.to_type(ScalarType.Float32).cpu();
        var gap = zeros(x.shape[0], x.shape[1], 2);
        return cat([x, gap], 2).permute(1, 0, 2).reshape(x.shape[1], -1);
    }

    static double[][] Rows(Tensor m)
    {
        var d = m.to_type(ScalarType.Float64).cpu().contiguous();
        long cols = d.shape[1];
        var flat = d.data<double>().ToArray();
        return Enumerable.Range(0, (int)d.shape[0]).Select(r => flat.Skip((int)(r * cols)).Take((int)cols).ToArray()).ToArray();
    }
}
