using Microsoft.Data.Analysis;
using Tutorials.Contrastive;
using Tutorials.Evaluation;
using Tutorials.Training;
using Tutorials.Data;

// Scaffolding for notebook 03 (03-contrastive-shared-space): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// The figures of one variant (a loss, a text tower) over several seeds: a metrics dictionary per seed, and, per
/// seed, the zero-shot predictions of each prompt kind (for the confusion tables). Models are not kept: what the
/// notebook shows later is taken from them right after training, and they are disposed.
/// </summary>
public sealed class SeedRuns(string name)
{
    readonly List<IReadOnlyDictionary<string, double>> runs = new();
    readonly List<IReadOnlyDictionary<string, long[]>> predictions = new();

    public string Name { get; } = name;
    public int Count => runs.Count;
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Runs => runs;

    /// <summary>Zero-shot predictions per seed, by prompt kind ("names", "described").</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, long[]>> Predictions => predictions;

    public SeedRuns Add(IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, long[]>? zeroShotPredictions = null)
    {
        runs.Add(metrics);
        predictions.Add(zeroShotPredictions ?? new Dictionary<string, long[]>());
        return this;
    }

    /// <summary>
    /// Adds one seed's <paramref name="metrics"/> and zero-shot predictions per prompt kind, with the accuracy of each
    /// kind against <paramref name="truth"/> as metric <c>zero_shot_&lt;kind&gt;</c>; with validation predictions
    /// (other images of the same unseen classes, for choosing), their accuracy as <c>zero_shot_&lt;kind&gt;_val</c>.
    /// The kept predictions (confusion tables) are the test ones.
    /// </summary>
    public SeedRuns Add(IReadOnlyDictionary<string, double> metrics, IReadOnlyDictionary<string, long[]> zeroShotPredictions, IReadOnlyList<long> truth,
        IReadOnlyDictionary<string, long[]>? validationPredictions = null, IReadOnlyList<long>? validationTruth = null)
    {
        if ((validationPredictions is null) != (validationTruth is null))
            throw new ArgumentException("Expected both the validation predictions and their truth, or neither; got only one.");
        var all = new Dictionary<string, double>(metrics);
        foreach (var (kind, predicted) in zeroShotPredictions) all[$"zero_shot_{kind}"] = ZeroShot.Accuracy(predicted, truth);
        foreach (var (kind, predicted) in validationPredictions ?? new Dictionary<string, long[]>()) all[$"zero_shot_{kind}_val"] = ZeroShot.Accuracy(predicted, validationTruth!);
        return Add(all, zeroShotPredictions);
    }

    public double this[int seed, string metric] => runs[seed].TryGetValue(metric, out var v) ? v
        : throw new KeyNotFoundException($"Expected metric '{metric}' in run {seed} of '{Name}'; it has {string.Join(", ", runs[seed].Keys)}.");

    /// <summary>Mean, standard deviation and number of seeds of one metric.</summary>
    public OverSeeds Stats(string metric) => OverSeeds.Of(Enumerable.Range(0, Count).Select(s => this[s, metric]));

    public double Mean(string metric) => Stats(metric).Mean;

    /// <summary>One row per variant: its number of seeds, then "mean ± sd" of each metric.</summary>
    public static DataFrame Table(IEnumerable<SeedRuns> variants, params string[] metrics)
    {
        var v = variants.ToList();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("variant", v.Select(r => r.Name)),
            new Int32DataFrameColumn("seeds", v.Select(r => r.Count)),
        };
        columns.AddRange(metrics.Select(k => new StringDataFrameColumn(k, v.Select(r => r.Stats(k).MeanAndSd))));
        return new DataFrame(columns);
    }

    /// <summary>
    /// <paramref name="a"/> − <paramref name="b"/> on one metric, seed by seed (seed i of one against seed i of the
    /// other): mean and sd of the differences, and in words whether the order held in every seed.
    /// </summary>
    public static SeedGap Compare(SeedRuns a, SeedRuns b, string metric) => Compare(a, metric, a.Name, b, metric, b.Name);

    /// <summary>
    /// <paramref name="metricA"/> of <paramref name="a"/> − <paramref name="metricB"/> of <paramref name="b"/>, seed by
    /// seed (e.g. one variant's zero-shot with descriptions against the same variant's with names).
    /// </summary>
    public static SeedGap Compare(SeedRuns a, string metricA, string labelA, SeedRuns b, string metricB, string labelB)
    {
        int n = Math.Min(a.Count, b.Count);
        if (n == 0) throw new ArgumentException($"Expected runs of both '{a.Name}' and '{b.Name}', got {a.Count} and {b.Count}.");
        var gaps = Enumerable.Range(0, n).Select(s => a[s, metricA] - b[s, metricB]).ToList();
        var stats = OverSeeds.Of(gaps);
        string verdict = n == 1 ? "one seed: run full mode for the spread"
            : gaps.All(g => g > 0) ? $"{labelA} ahead in every seed"
            : gaps.All(g => g < 0) ? $"{labelB} ahead in every seed"
            : "the order changes with the seed";
        return new SeedGap(stats.Mean, stats.Sd, n, verdict, gaps);
    }
}

/// <summary>A difference between two variants (or two metrics) over seeds: mean, sd, seeds, the order in words, and each seed's difference.</summary>
public sealed record SeedGap(double Mean, double Sd, int Seeds, string Verdict, IReadOnlyList<double> PerSeed)
{
    public override string ToString() =>
        $"{Mean:+0.000;−0.000} ± {Sd:F3} over {Seeds} seed(s) ({Verdict}; per seed {string.Join(", ", PerSeed.Select(g => g.ToString("+0.000;−0.000", System.Globalization.CultureInfo.InvariantCulture)))})";
}
