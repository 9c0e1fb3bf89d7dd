using Microsoft.Data.Analysis;

// Scaffolding for notebook 03 (03-contrastive-shared-space): what that notebook needs around its lesson, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>
/// Zero-shot results seed by seed: for each variant and seed, the accuracy, the share of each held-out class
/// classified right, and the seen-class recall@1 of the same model — so that an order between variants can be read
/// seed by seed (and claimed only where it holds in every one).
/// </summary>
public static class ZeroShotBreakdown
{
    /// <param name="variants">Runs with zero-shot predictions recorded under <paramref name="prompts"/>.</param>
    /// <param name="prompts">Prompt kind ("names" or "described").</param>
    /// <param name="truth">True held-out class index per zero-shot image.</param>
    /// <param name="classNames">Name per held-out class index.</param>
    public static DataFrame Table(IEnumerable<SeedRuns> variants, string prompts, IReadOnlyList<long> truth, IReadOnlyList<string> classNames)
    {
        var rows = new List<(string Variant, int Seed, long[] Predicted, IReadOnlyDictionary<string, double> Metrics)>();
        foreach (var v in variants)
            for (int s = 0; s < v.Count; s++)
            {
                if (!v.Predictions[s].TryGetValue(prompts, out var p))
                    throw new ArgumentException($"Expected zero-shot predictions '{prompts}' for '{v.Name}', seed {s}; it has {string.Join(", ", v.Predictions[s].Keys)}.");
                if (p.Length != truth.Count)
                    throw new ArgumentException($"Expected one prediction per zero-shot image ({truth.Count}) for '{v.Name}', seed {s}, got {p.Length}.");
                rows.Add((v.Name, s, p, v.Runs[s]));
            }
        double Share(long[] p, Func<int, bool> which) =>
            Enumerable.Range(0, truth.Count).Where(which).Count(i => p[i] == truth[i]) / (double)Math.Max(1, Enumerable.Range(0, truth.Count).Count(which));
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("variant", rows.Select(r => r.Variant)),
            new Int32DataFrameColumn("seed", rows.Select(r => r.Seed)),
            new DoubleDataFrameColumn($"zero-shot ({prompts})", rows.Select(r => Math.Round(Share(r.Predicted, _ => true), 3))),
        };
        for (int c = 0; c < classNames.Count; c++)
        {
            int k = c;
            columns.Add(new DoubleDataFrameColumn($"{classNames[k]} right", rows.Select(r => Math.Round(Share(r.Predicted, i => truth[i] == k), 3))));
        }
        foreach (var m in new[] { "i2t_r1", "t2i_r1" })
            columns.Add(new DoubleDataFrameColumn($"seen {m}", rows.Select(r => Math.Round(r.Metrics[m], 3))));
        return new DataFrame(columns);
    }
}
