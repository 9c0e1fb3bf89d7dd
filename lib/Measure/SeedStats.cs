namespace Tutorials.Measure;

/// <summary>
/// Mean and sample standard deviation of one figure over several seeded runs, and "0.593 ± 0.012" for tables.
/// Why: a comparison decided on one seed can flip on the next; the spread says how much a difference can be trusted.
/// Same figures as <see cref="Statistics.OverSeeds"/> (which also reports and states a direction); notebook 03 uses this one.
/// </summary>
public readonly record struct SeedStats(double Mean, double Sd, int Runs)
{
    public static SeedStats Of(IEnumerable<double> values)
    {
        var x = values.ToArray();
        if (x.Length == 0) throw new ArgumentException("Expected at least one run's value, got none.");
        return new SeedStats(x.Average(), Statistics.OverSeeds.SampleSd(x), x.Length);
    }

    /// <summary>"mean ± sd" over several runs, the value alone for one.</summary>
    public override string ToString() => Runs > 1 ? $"{Mean:F3} ± {Sd:F3}" : $"{Mean:F3}";
}
