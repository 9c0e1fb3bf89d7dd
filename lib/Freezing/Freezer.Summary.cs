using Microsoft.Data.Analysis;
using static TorchSharp.torch;

namespace Tutorials.Freezing;

public static partial class Freezer
{
    /// <summary>
    /// A table of what will learn: one row per block (the first <paramref name="depth"/> name segments of each
    /// parameter's module), with trainable, frozen and total parameter counts (numbers of weights, not tensors),
    /// a status ("trainable", "frozen", "partly frozen"), and a final "total" row. Blocks without parameters
    /// (ReLU, pooling) have nothing to freeze and are not listed. Return it from a notebook cell to see a table.
    /// </summary>
    public static DataFrame Summary(nn.Module module, int depth = 1)
    {
        if (depth < 1)
            throw new ArgumentOutOfRangeException(nameof(depth), depth, "Expected depth >= 1 (1 = top-level blocks such as \"layer1\").");

        // Blocks in model order, each with (trainable, frozen) element counts.
        var counts = new Dictionary<string, (long trainable, long frozen)>();
        var order = new List<string>();
        foreach (var (name, p) in module.named_parameters())
        {
            var block = BlockOf(name, depth);
            if (!counts.TryGetValue(block, out var c)) { order.Add(block); c = (0, 0); }
            counts[block] = p.requires_grad ? (c.trainable + p.numel(), c.frozen) : (c.trainable, c.frozen + p.numel());
        }

        var blockColumn = new StringDataFrameColumn("block");
        var trainableColumn = new Int64DataFrameColumn("trainable parameters");
        var frozenColumn = new Int64DataFrameColumn("frozen parameters");
        var totalColumn = new Int64DataFrameColumn("total");
        var statusColumn = new StringDataFrameColumn("status");

        void AddRow(string block, long trainable, long frozen)
        {
            blockColumn.Append(block);
            trainableColumn.Append(trainable);
            frozenColumn.Append(frozen);
            totalColumn.Append(trainable + frozen);
            statusColumn.Append(Status(trainable, frozen));
        }

        foreach (var block in order) AddRow(block, counts[block].trainable, counts[block].frozen);
        AddRow("total", counts.Values.Sum(c => c.trainable), counts.Values.Sum(c => c.frozen));

        return new DataFrame(blockColumn, trainableColumn, frozenColumn, totalColumn, statusColumn);
    }

    /// <summary>
    /// "trainable" when nothing is frozen, "frozen" when nothing trains, else "partly frozen": the status words of
    /// every parameter table in the kit (this one and <c>FusionTraining.Summary</c>).
    /// </summary>
    public static string Status(long trainable, long frozen) =>
        frozen == 0 ? "trainable" : trainable == 0 ? "frozen" : "partly frozen";

    /// <summary>
    /// The block a parameter belongs to: its module path cut to <paramref name="depth"/> segments.
    /// "layer1.0.conv1.weight" → "layer1" (depth 1) or "layer1.0" (depth 2); "fc.weight" → "fc" at any depth,
    /// because the last segment names the parameter, not a module.
    /// </summary>
    static string BlockOf(string parameterName, int depth)
    {
        var segments = parameterName.Split('.');
        int moduleSegments = Math.Max(1, segments.Length - 1);
        return string.Join('.', segments.Take(Math.Min(depth, moduleSegments)));
    }
}
