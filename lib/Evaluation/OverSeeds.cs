using System.Globalization;
using Tutorials.Environment;

namespace Tutorials.Evaluation;

/// <summary>
/// A difference measured once per seed (say, fused minus the best single model), summarised as mean ± standard
/// deviation. A claim about the difference is only as good as its spread: one seed can show a gain that another
/// reverses, so the notebooks state a direction only when <see cref="Min"/> and <see cref="Max"/> agree on it.
/// </summary>
public sealed record OverSeeds(IReadOnlyList<double> Values)
{
    public int Count => Values.Count;
    public double Mean => Values.Average();

    /// <summary>Sample standard deviation (n − 1); 0 for a single seed.</summary>
    public double Sd => SampleSd(Values);

    public double Min => Values.Min();
    public double Max => Values.Max();

    /// <summary>+1 when every seed is above 0, −1 when every seed is below, 0 when they disagree (or touch 0).</summary>
    public int ConsistentSign => Min > 0 ? 1 : Max < 0 ? -1 : 0;

    public static OverSeeds Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0 || list.Any(v => !double.IsFinite(v)))
            throw new ArgumentException($"Expected at least one finite value per seed, got [{string.Join(", ", list)}].", nameof(values));
        return new OverSeeds(list);
    }

    /// <summary>Sample standard deviation (n − 1) of per-seed values; 0 for a single value. The one formula behind
    /// every "mean ± sd over seeds" in the kit.</summary>
    public static double SampleSd(IReadOnlyCollection<double> values)
    {
        if (values.Count < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>Reports <c>{name}_mean</c>, <c>_sd</c>, <c>_min</c>, <c>_max</c> and <c>_seeds</c> as key results.</summary>
    public void Report(string name)
    {
        Results.Report($"{name}_mean", Mean);
        Results.Report($"{name}_sd", Sd);
        Results.Report($"{name}_min", Min);
        Results.Report($"{name}_max", Max);
        Results.Report($"{name}_seeds", Count);
    }

    /// <summary>"0.593 ± 0.012" for a level such as an accuracy (no sign, no seed count: for table cells); the value alone for one seed.</summary>
    public string MeanAndSd => Count > 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Mean:F3} ± {Sd:F3}")
        : string.Create(CultureInfo.InvariantCulture, $"{Mean:F3}");

    /// <summary>"+0.123 ± 0.010 (3 seeds)": a difference, signed.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Mean:+0.000;-0.000;0.000} ± {Sd:0.000} ({Count} seed{(Count == 1 ? "" : "s")})");
}
