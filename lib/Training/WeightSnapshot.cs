using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Training;

/// <summary>
/// A copy of a model's state (parameters and buffers such as BatchNorm running statistics), by name, on the CPU.
/// The trainer uses it for "best weights so far" and for the weights inside a checkpoint.
/// <para>
/// Why buffers too: a BatchNorm layer's running mean/variance are part of what the model computes in eval mode;
/// restoring weights without them would give a model that never existed. Why the CPU: a snapshot only waits, and
/// GPU memory is the scarcer kind.
/// </para>
/// </summary>
public sealed class WeightSnapshot : IDisposable
{
    readonly List<(string Name, Tensor Value)> _entries;

    WeightSnapshot(List<(string, Tensor)> entries) => _entries = entries;

    public IReadOnlyList<(string Name, Tensor Value)> Entries => _entries;

    /// <summary>Copies the current state of <paramref name="model"/>.</summary>
    public static WeightSnapshot Capture(nn.Module model)
    {
        var entries = new List<(string, Tensor)>();
        using var scope = torch.NewDisposeScope(); // frees the intermediate detach()/cpu() tensors
        using (torch.no_grad())
            foreach (var (name, value) in model.state_dict())
            {
                var copy = value.detach().cpu().clone();
                // Owned by this snapshot, not by whatever dispose scope the caller has open: Dispose() frees it.
                copy.DetachFromDisposeScope();
                entries.Add((name, copy));
            }
        return new WeightSnapshot(entries);
    }

    /// <summary>
    /// Writes this snapshot into <paramref name="model"/> (on whatever device the model is). Checks first that the
    /// names, shapes and element types match exactly, and names the first difference, so a checkpoint from another
    /// architecture fails clearly instead of half-loading.
    /// </summary>
    public void CopyInto(nn.Module model, string source = "the snapshot")
    {
        CheckFits(model, source);
        var mine = _entries.ToDictionary(e => e.Name, e => e.Value);
        using (torch.no_grad())
            foreach (var (name, t) in model.state_dict()) t.copy_(mine[name]); // copy_ moves CPU → device as needed
    }

    /// <summary>Throws, naming the first difference, unless names, shapes and element types match <paramref name="model"/> exactly.</summary>
    public void CheckFits(nn.Module model, string source = "the snapshot")
    {
        var target = model.state_dict();
        var mine = _entries.ToDictionary(e => e.Name, e => e.Value);
        foreach (var (name, t) in target)
        {
            if (!mine.TryGetValue(name, out var s))
                throw new InvalidDataException(
                    $"{Capitalised(source)} does not match this model: the model has \"{name}\" {Describe(t)}, {source} has no such entry. " +
                    "It was saved from a different model; build the same architecture, or start without resuming.");
            if (!s.shape.SequenceEqual(t.shape) || s.dtype != t.dtype)
                throw new InvalidDataException(
                    $"{Capitalised(source)} does not match this model at \"{name}\": expected {Describe(t)} (the model), got {Describe(s)}. " +
                    "It was saved from a different model (other layer sizes or classes); build the same architecture, or start without resuming.");
        }
        var extra = _entries.Select(e => e.Name).FirstOrDefault(n => !target.ContainsKey(n));
        if (extra is not null)
            throw new InvalidDataException(
                $"{Capitalised(source)} does not match this model: it has \"{extra}\", which the model lacks ({_entries.Count} entries vs the model's {target.Count}). " +
                "It was saved from a different model; build the same architecture, or start without resuming.");
    }

    /// <summary>Binary layout: count, then per entry name, element type, rank, shape, byte count, raw bytes.</summary>
    public void Write(BinaryWriter writer)
    {
        using var scope = torch.NewDisposeScope(); // contiguous() returns a new tensor object, even for a contiguous tensor
        writer.Write(_entries.Count);
        foreach (var (name, t) in _entries)
        {
            writer.Write(name);
            writer.Write((int)t.dtype);
            writer.Write(t.shape.Length);
            foreach (var d in t.shape) writer.Write(d);
            var bytes = t.contiguous().bytes;
            writer.Write(bytes.Length);
            writer.Write(bytes);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote. Throws EndOfStreamException on a truncated stream.</summary>
    public static WeightSnapshot Read(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"Expected a non-negative tensor count, got {count}.");
        var entries = new List<(string, Tensor)>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                var dtype = (ScalarType)reader.ReadInt32();
                int rank = reader.ReadInt32();
                if (rank is < 0 or > 16) throw new InvalidDataException($"Expected a tensor rank of 0..16 for \"{name}\", got {rank}.");
                var shape = new long[rank];
                for (int d = 0; d < rank; d++) shape[d] = reader.ReadInt64();
                int length = reader.ReadInt32();
                var bytes = reader.ReadBytes(length);
                if (bytes.Length != length) throw new EndOfStreamException($"Tensor \"{name}\" is cut short: expected {length} bytes, got {bytes.Length}.");
                var t = torch.empty(shape, dtype: dtype);
                t.DetachFromDisposeScope();
                entries.Add((name, t));
                if (t.NumberOfElements * t.ElementSize != length)
                    throw new InvalidDataException($"Tensor \"{name}\" {Describe(t)} needs {t.NumberOfElements * t.ElementSize} bytes, the file has {length}.");
                t.bytes = bytes;
            }
        }
        catch
        {
            foreach (var (_, t) in entries) t.Dispose();
            throw;
        }
        return new WeightSnapshot(entries);
    }

    /// <summary>Bit-for-bit equality with the current state of <paramref name="model"/> (for tests and sanity checks).</summary>
    public bool Matches(nn.Module model)
    {
        using var scope = torch.NewDisposeScope(); // frees the CPU copies made for the comparison
        var target = model.state_dict();
        return target.Count == _entries.Count && _entries.All(e =>
            target.TryGetValue(e.Name, out var t) && t.shape.SequenceEqual(e.Value.shape) && t.dtype == e.Value.dtype &&
            t.cpu().contiguous().bytes.SequenceEqual(e.Value.bytes));
    }

    public void Dispose()
    {
        foreach (var (_, t) in _entries) t.Dispose();
        _entries.Clear();
    }

    static string Describe(Tensor t) => $"[{string.Join(", ", t.shape)}] {t.dtype}";

    static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
}
