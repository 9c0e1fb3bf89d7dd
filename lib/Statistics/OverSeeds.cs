using System.Globalization;

namespace Tutorials.Statistics;

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
    public double Sd => Count < 2 ? 0 : Math.Sqrt(Values.Sum(v => (v - Mean) * (v - Mean)) / (Count - 1));

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

    /// <summary>Reports <c>{name}_mean</c>, <c>_sd</c>, <c>_min</c>, <c>_max</c> and <c>_seeds</c> as key results.</summary>
    public void Report(string name)
    {
        Results.Report($"{name}_mean", Mean);
        Results.Report($"{name}_sd", Sd);
        Results.Report($"{name}_min", Min);
        Results.Report($"{name}_max", Max);
        Results.Report($"{name}_seeds", Count);
    }

    /// <summary>"+0.123 ± 0.010 (3 seeds)".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Mean:+0.000;-0.000;0.000} ± {Sd:0.000} ({Count} seed{(Count == 1 ? "" : "s")})");
}
