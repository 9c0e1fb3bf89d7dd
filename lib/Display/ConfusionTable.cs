using Microsoft.Data.Analysis;

namespace Tutorials.Display;

/// <summary>
/// Confusion tables as a data frame: one row per (variant, true class), one column per predicted class, counts.
/// Several variants (e.g. two models) in one table, so that they can be read side by side.
/// </summary>
public static class ConfusionTable
{
    /// <param name="truth">True class index (into <paramref name="classNames"/>) per item.</param>
    /// <param name="variants">Per variant: its name and its predicted class index per item.</param>
    /// <param name="classNames">Name of each class index.</param>
    public static DataFrame Of(IReadOnlyList<long> truth, IReadOnlyList<(string Name, long[] Predicted)> variants, IReadOnlyList<string> classNames)
    {
        int k = classNames.Count;
        var counts = new List<(string Variant, int True, int[] Row)>();
        foreach (var (name, predicted) in variants)
        {
            if (predicted.Length != truth.Count)
                throw new ArgumentException($"Expected one prediction per item ({truth.Count}) for '{name}', got {predicted.Length}.");
            if (truth.Concat(predicted).Any(c => c < 0 || c >= k))
                throw new ArgumentException($"Expected class indices 0–{k - 1} (one per name) for '{name}', got {truth.Concat(predicted).Min()}…{truth.Concat(predicted).Max()}.");
            for (int i = 0; i < k; i++)
                counts.Add((name, i, Enumerable.Range(0, k).Select(j => Enumerable.Range(0, truth.Count).Count(n => truth[n] == i && predicted[n] == j)).ToArray()));
        }
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("variant", counts.Select(c => c.Variant)),
            new StringDataFrameColumn("true class", counts.Select(c => classNames[c.True])),
        };
        for (int j = 0; j < k; j++)
            columns.Add(new Int32DataFrameColumn($"→ {classNames[j]}", counts.Select(c => c.Row[j])));
        return new DataFrame(columns);
    }
}
