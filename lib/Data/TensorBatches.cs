using TorchSharp;
using static TorchSharp.torch;
using Tutorials.Training;

namespace Tutorials.Data;

/// <summary>
/// Mini-batches cut from tensors that share their first dimension: <c>new TensorBatches(32, images, labels)</c>.
/// A batch is a <c>Tensor[]</c> in the same order as the tensors given (<c>batch[0]</c> images, <c>batch[1]</c>
/// labels), so models with several inputs (image and text, student and teacher targets) need nothing special.
/// <para>
/// Shuffling: the order of epoch <c>e</c> comes from a generator seeded with (seed, e) alone. It does not depend
/// on how many epochs ran before in this process, which is what lets a run resumed from a checkpoint at epoch 4
/// see exactly the batches an uninterrupted run sees at epoch 4.
/// </para>
/// <para>
/// Memory: <see cref="Batch"/> creates the batch's tensors in the caller's current dispose scope, so a training
/// loop opens its scope first and then asks for the batch (see Trainer.cs). The source tensors are not copied and
/// not owned: whoever created them disposes them.
/// </para>
/// </summary>
public sealed class TensorBatches
{
    readonly Tensor[] _tensors;

    /// <summary>Rows per batch (the last batch may be smaller unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }

    /// <summary>Whether each epoch visits the rows in a new (seeded) order.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed the shuffled orders are derived from.</summary>
    public long Seed { get; }

    /// <summary>Drop the last, smaller batch (useful with BatchNorm, which dislikes a batch of one).</summary>
    public bool DropLast { get; }

    /// <summary>Number of rows (the shared first dimension).</summary>
    public long Rows { get; }

    /// <summary>The tensors batches are cut from, in the order given.</summary>
    public IReadOnlyList<Tensor> Tensors => _tensors;

    /// <summary>Number of batches per epoch.</summary>
    public int Count => (int)(DropLast ? Rows / BatchSize : (Rows + BatchSize - 1) / BatchSize);

    /// <param name="batchSize">rows per batch</param>
    /// <param name="tensors">one or more tensors with the same first dimension (inputs, targets, …)</param>
    public TensorBatches(int batchSize, params Tensor[] tensors) : this(tensors, batchSize) { }

    /// <param name="tensors">one or more tensors with the same first dimension (inputs, targets, …)</param>
    /// <param name="batchSize">rows per batch</param>
    /// <param name="shuffle">new seeded order every epoch (training); false keeps row order (evaluation)</param>
    /// <param name="seed">seed of the shuffled orders</param>
    /// <param name="dropLast">drop the last, smaller batch</param>
    public TensorBatches(Tensor[] tensors, int batchSize, bool shuffle = false, long seed = 0, bool dropLast = false)
    {
        if (tensors is null || tensors.Length == 0)
            throw new ArgumentException("Expected at least one tensor (e.g. inputs and targets), got none.", nameof(tensors));
        if (batchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"Expected a batch size of at least 1, got {batchSize}.");
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i] is null || tensors[i].Dimensions == 0)
                throw new ArgumentException(
                    $"Expected tensor {i} to have a first (row) dimension, got {(tensors[i] is null ? "null" : "a scalar")}. " +
                    "Every tensor needs one row per example.", nameof(tensors));

        var rows = tensors.Select(t => t.shape[0]).ToArray();
        if (rows.Distinct().Count() != 1)
            throw new ArgumentException(
                $"Expected every tensor to have the same first dimension (one row per example), got {string.Join(", ", rows.Select((n, i) => $"tensor {i}: {n}"))}. " +
                "Check that inputs and targets come from the same examples (and the same split).", nameof(tensors));
        if (dropLast && rows[0] < batchSize)
            throw new ArgumentException(
                $"Expected at least one full batch with dropLast, got {rows[0]} rows for batch size {batchSize}. Lower the batch size or keep the last batch.",
                nameof(dropLast));

        _tensors = tensors;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        Rows = rows[0];
    }

    /// <summary>The same tensors, shuffled (training) or not (evaluation), with other settings kept.</summary>
    public TensorBatches WithShuffle(bool shuffle, long? seed = null) => new(_tensors, BatchSize, shuffle, seed ?? Seed, DropLast);

    /// <summary>
    /// The row order of <paramref name="epoch"/>: 0, 1, 2, … without shuffling; otherwise a permutation that
    /// depends only on (<see cref="Seed"/>, <paramref name="epoch"/>).
    /// </summary>
    public long[] Order(int epoch)
    {
        if (!Shuffle) return Enumerable.Range(0, checked((int)Rows)).Select(i => (long)i).ToArray();
        // A private generator: shuffling neither uses nor disturbs the global one that dropout draws from.
        using var generator = new Generator((ulong)Seeds.ForEpoch(Seed, epoch, Seeds.Shuffling));
        using var permutation = torch.randperm(Rows, generator: generator);
        return permutation.data<long>().ToArray();
    }

    /// <summary>
    /// Batch number <paramref name="index"/> of an epoch whose row order is <paramref name="order"/>
    /// (from <see cref="Order"/>), moved to <paramref name="device"/> when given. The tensors belong to the current
    /// dispose scope.
    /// </summary>
    public Tensor[] Batch(long[] order, int index, Device? device = null)
    {
        if (order.Length != Rows)
            throw new ArgumentException($"Expected an order of {Rows} rows (from Order(epoch)), got {order.Length}.", nameof(order));
        if (index < 0 || index >= Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"Expected a batch index in 0..{Count - 1}, got {index}.");

        int start = index * BatchSize;
        int length = (int)Math.Min(BatchSize, Rows - start);
        var batch = new Tensor[_tensors.Length];
        if (!Shuffle)
        {
            // In row order a batch is a contiguous slice: narrow() is a view, no copy.
            for (int i = 0; i < _tensors.Length; i++) batch[i] = MoveTo(_tensors[i].narrow(0, start, length), device);
            return batch;
        }
        var rowsOnCpu = torch.tensor(order.AsSpan(start, length).ToArray(), dtype: ScalarType.Int64);
        for (int i = 0; i < _tensors.Length; i++)
        {
            var rows = _tensors[i].device_type == DeviceType.CPU ? rowsOnCpu : rowsOnCpu.to(_tensors[i].device);
            batch[i] = MoveTo(_tensors[i].index_select(0, rows), device);
        }
        return batch;
    }

    /// <summary>
    /// Runs <paramref name="body"/> on every batch of <paramref name="epoch"/>, each inside its own dispose scope,
    /// so that nothing a batch creates outlives it. Handy for evaluation loops in notebooks.
    /// </summary>
    public void ForEach(int epoch, Action<Tensor[]> body, Device? device = null)
    {
        var order = Order(epoch);
        for (int b = 0; b < Count; b++)
        {
            using var scope = torch.NewDisposeScope();
            body(Batch(order, b, device));
        }
    }

    static Tensor MoveTo(Tensor t, Device? device) => device is null || IsOn(t, device) ? t : t.to(device);

    /// <summary>True when <paramref name="t"/> already lives on <paramref name="device"/> (index -1 means "any CUDA device").</summary>
    internal static bool IsOn(Tensor t, Device device) =>
        t.device_type == device.type && (device.index < 0 || t.device_index == device.index);

    public override string ToString() =>
        $"TensorBatches({Rows} rows × {_tensors.Length} tensor(s), batch {BatchSize}, {Count} batches{(Shuffle ? $", shuffled, seed {Seed}" : "")}{(DropLast ? ", last dropped" : "")})";
}
