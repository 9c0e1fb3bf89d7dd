using TorchSharp;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Data;
using Tutorials.Environment;

namespace Tutorials.Evaluation;

/// <summary>
/// One pass of trained or frozen models over a whole data set, the way every evaluation and feature cache in the
/// kit runs it: eval mode (dropout off, BatchNorm on its running statistics), inference mode (no autograd: nothing to
/// train, so no graph to keep, and not even the version counters <c>no_grad</c> still maintains), one dispose scope per
/// chunk (memory stays at one chunk's worth), results joined in row order.
/// <para>
/// A tensor made in inference mode is an <i>inference tensor</i>: autograd refuses to save it for a backward pass
/// and it cannot be changed in place outside inference mode. So <see cref="Collect(long, int, Func{long, long, Tensor},
/// nn.Module[], Device?, IProgress{ValueTuple{long, long}}?)"/> joins its chunks after leaving inference mode: what
/// it returns is an ordinary tensor that a trainable head may be fed with (frozen features, cached once).
/// </para>
/// </summary>
public static class EvalPass
{
    /// <summary>
    /// Runs <paramref name="body"/> with every module of <paramref name="models"/> in eval mode and in inference mode
    /// (autograd off). Afterwards each submodule gets back exactly the mode it had (a frozen BatchNorm kept in eval
    /// stays in eval). Tensors <paramref name="body"/> returns are inference tensors: return numbers, or use
    /// <see cref="Collect(long, int, Func{long, long, Tensor}, nn.Module[], Device?, IProgress{ValueTuple{long, long}}?)"/>.
    /// </summary>
    public static T Run<T>(Func<T> body, params nn.Module[] models)
    {
        var modes = models.SelectMany(m => m.modules().Prepend(m)).Select(m => (Module: m, Training: m.training)).ToList();
        foreach (var model in models) model.eval();
        try
        {
            using var inference = torch.inference_mode();
            return body();
        }
        finally
        {
            foreach (var (module, training) in modes) module.train(training);
        }
    }

    /// <summary>
    /// Calls <paramref name="step"/>(start, count) for rows 0 … <paramref name="rows"/> − 1 in chunks of
    /// <paramref name="chunk"/>, in eval mode without autograd (see <see cref="Run"/>), and returns the chunks'
    /// results concatenated along dim 0 on <paramref name="resultDevice"/> (the CPU unless given).
    /// </summary>
    public static Tensor Collect(long rows, int chunk, Func<long, long, Tensor> step, nn.Module[] models,
        Device? resultDevice = null, IProgress<(long done, long total)>? progress = null)
    {
        if (rows < 1)
            throw new ArgumentException($"Expected at least one row to run over, got {rows}.", nameof(rows));
        if (chunk < 1)
            throw new ArgumentOutOfRangeException(nameof(chunk), $"Expected a chunk of at least 1 row, got {chunk}.");
        resultDevice ??= CPU;
        var parts = new List<Tensor>();
        try
        {
            Run(() =>
            {
                for (long start = 0; start < rows; start += chunk)
                {
                    using var scope = torch.NewDisposeScope();
                    long count = Math.Min(chunk, rows - start);
                    var result = step(start, count);
                    if (result.shape.Length == 0 || result.shape[0] != count)
                        throw new InvalidOperationException(
                            $"Expected the step for rows {start}…{start + count - 1} to return {count} rows, got shape [{string.Join(", ", result.shape)}].");
                    parts.Add(result.to(resultDevice).MoveToOuterDisposeScope());
                    progress?.Report((start + count, rows));
                }
                return parts.Count;
            }, models);
            return Joined(parts);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Collect(long, int, Func{long, long, Tensor}, nn.Module[], Device?, IProgress{ValueTuple{long, long}}?)"/>
    /// over the batches of a <see cref="TensorBatches"/>, which must be unshuffled so that row i of the result is row i
    /// of the data. Batches are moved to <paramref name="device"/>.
    /// </summary>
    public static Tensor Collect(TensorBatches batches, Func<Tensor[], Tensor> step, nn.Module[] models,
        Device? device = null, Device? resultDevice = null)
    {
        if (batches.Shuffle)
            throw new ArgumentException("Expected unshuffled batches (row order), so that row i of the result is row i of the data. Use batches.WithShuffle(false).", nameof(batches));
        resultDevice ??= CPU;
        var parts = new List<Tensor>();
        try
        {
            Run(() =>
            {
                batches.ForEach(0, b => parts.Add(step(b).to(resultDevice).MoveToOuterDisposeScope()), device);
                return parts.Count;
            }, models);
            return Joined(parts);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>
    /// The chunks joined in row order, outside inference mode, into an ordinary tensor (see the class comment). One
    /// chunk is copied: <c>cat</c> of a single tensor hands back that same (inference) tensor.
    /// </summary>
    static Tensor Joined(List<Tensor> parts) => parts.Count == 1 ? parts[0].clone() : torch.cat(parts, 0);

    /// <summary>
    /// The mean of each per-batch metric over all rows, in eval mode without autograd (see <see cref="Run"/>), one
    /// dispose scope per batch. <paramref name="perBatch"/> returns, for one batch, the batch means as scalar tensors
    /// by name, e.g. <c>b => new() { ["val_loss"] = cross_entropy(model.call(b[0]), b[1]) }</c>; each is weighted by
    /// the batch's row count, so a smaller last batch counts for what it holds.
    /// </summary>
    public static Dictionary<string, double> Mean(nn.Module model, TensorBatches batches,
        Func<Tensor[], Dictionary<string, Tensor>> perBatch, Device? device = null) => Run(() =>
    {
        var sums = new Dictionary<string, double>();
        long rows = 0;
        batches.ForEach(epoch: 0, batch =>
        {
            long n = batch[0].shape[0];
            foreach (var (name, value) in perBatch(batch))
            {
                if (value.numel() != 1)
                    throw new ArgumentException(
                        $"Expected metric \"{name}\" to be one number per batch (a mean, e.g. .mean()), got a tensor of shape [{string.Join(", ", value.shape)}].");
                sums[name] = sums.GetValueOrDefault(name) + value.to_type(ScalarType.Float64).item<double>() * n;
            }
            rows += n;
        }, device ?? Devices.Default);
        return sums.ToDictionary(kv => kv.Key, kv => kv.Value / rows);
    }, model);
}
