using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Training;

/// <summary>
/// Everything needed to continue a training run exactly, in one file: the model's weights and buffers, the
/// optimizer's state (Adam's moving averages and step counts — without them a resumed run takes different steps),
/// the history and early-stopping counters, and the best weights when RestoreBest is on.
/// <para>
/// Not saved: the random generator's state. It need not be: the trainer re-seeds the generator from
/// (seed, epoch) at the start of every epoch, and batch order comes from (seed, epoch) too (see Seeds.cs).
/// Not saved either: learning-rate schedulers (the trainer does not drive one).
/// </para>
/// <para>
/// Written atomically: to a temporary file beside the target, flushed to disk, then renamed over it. A crash
/// mid-write leaves the previous checkpoint intact, never half a file. An end marker still catches a file cut
/// short by other means (a full disk, a partial copy).
/// </para>
/// </summary>
public static class Checkpoint
{
    const string Magic = "TUTORIALS-TRAINER-CHECKPOINT";
    const int FormatVersion = 1;
    const string EndMarker = "END-OF-CHECKPOINT";

    /// <summary>The non-tensor part of a checkpoint (stored as JSON inside the file).</summary>
    public sealed record Metadata(
        int CompletedEpochs,
        bool Finished,
        string OptimizerType,
        long[][] OptimizerParameterShapes,
        List<EpochRecord> History,
        EarlyStopping.State EarlyStopping,
        bool HasBestWeights);

    static readonly JsonSerializerOptions Json = new()
    {
        // A diverged metric may be NaN or Infinity; plain JSON has no such numbers.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes a checkpoint to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, nn.Module model, optim.Optimizer optimizer, Metadata metadata, WeightSnapshot? best)
    {
        var helper = AsStatefulOptimizer(optimizer);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{System.Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(JsonSerializer.Serialize(metadata, Json));
                using (var weights = WeightSnapshot.Capture(model)) weights.Write(writer);
                var optimizerBytes = OptimizerBytes(helper);
                writer.Write(optimizerBytes.Length);
                writer.Write(optimizerBytes);
                if (best is not null) best.Write(writer);
                writer.Write(EndMarker);
                writer.Flush();
                file.Flush(flushToDisk: true); // on disk before the rename makes it visible
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="model"/> and <paramref name="optimizer"/> (which must be
    /// built like the ones that were saved) and returns the metadata and the best weights, if saved.
    /// Nothing is changed when the file is corrupt or belongs to another model or optimizer.
    /// </summary>
    public static (Metadata Metadata, WeightSnapshot? Best) Load(string path, nn.Module model, optim.Optimizer optimizer)
    {
        var helper = AsStatefulOptimizer(optimizer);
        var (metadata, weights, optimizerBytes, best) = ReadFile(path);
        try
        {
            // Check everything before changing anything: a mismatch leaves model and optimizer as they were.
            weights.CheckFits(model, $"the checkpoint {path}");
            CheckOptimizerMatches(path, helper, metadata);
            if (best is not null) CheckSameLayout(best, weights, path);
            weights.CopyInto(model, $"the checkpoint {path}");
            using (var stream = new MemoryStream(optimizerBytes))
            using (var reader = new BinaryReader(stream))
                helper.load_state_dict(reader);
            return (metadata, best);
        }
        catch
        {
            best?.Dispose();
            throw;
        }
        finally
        {
            weights.Dispose();
        }
    }

    /// <summary>Reads the file's sections; any read failure becomes one "incomplete or corrupt" error.</summary>
    static (Metadata, WeightSnapshot, byte[], WeightSnapshot?) ReadFile(string path)
    {
        WeightSnapshot? weights = null, best = null;
        try
        {
            using var file = File.OpenRead(path);
            using var reader = new BinaryReader(file, Encoding.UTF8);
            string magic;
            try { magic = reader.ReadString(); } catch (Exception e) when (e is EndOfStreamException or IOException) { magic = ""; }
            if (magic != Magic)
                throw new InvalidDataException(
                    $"{path} is not a trainer checkpoint (expected it to start with \"{Magic}\"). Point CheckpointPath at a file the Trainer wrote, or delete this one.");
            int version = reader.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException(
                    $"Checkpoint {path} has format version {version}, expected {FormatVersion}. It was written by another version of the kit; delete it and train again.");
            var metadata = JsonSerializer.Deserialize<Metadata>(reader.ReadString(), Json) ?? throw new InvalidDataException("the metadata is empty");
            weights = WeightSnapshot.Read(reader);
            int optimizerLength = reader.ReadInt32();
            var optimizerBytes = reader.ReadBytes(optimizerLength);
            if (optimizerBytes.Length != optimizerLength) throw new EndOfStreamException("the optimizer state is cut short");
            if (metadata.HasBestWeights) best = WeightSnapshot.Read(reader);
            if (reader.ReadString() != EndMarker) throw new InvalidDataException("the end marker is missing");
            return (metadata, weights, optimizerBytes, best);
        }
        catch (Exception e)
        {
            weights?.Dispose();
            best?.Dispose();
            if (e is InvalidDataException && e.Message.Contains(path)) throw; // already says what is wrong with the file
            if (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException) throw;
            throw new InvalidDataException(
                $"Checkpoint {path} is incomplete or corrupt ({e.Message}). Delete it to start over, or set Resume = false.", e);
        }
    }

    /// <summary>The shapes of the optimizer's parameters in order: a cheap fingerprint of "the same optimizer setup".</summary>
    public static long[][] ParameterShapes(optim.Optimizer optimizer) =>
        optimizer.parameters().Select(p => p.shape.ToArray()).ToArray();

    static void CheckOptimizerMatches(string path, OptimizerHelper optimizer, Metadata metadata)
    {
        var type = optimizer.GetType().Name;
        if (type != metadata.OptimizerType)
            throw new InvalidDataException(
                $"Checkpoint {path} holds the state of a {metadata.OptimizerType} optimizer, expected {type} (the optimizer given). Use the same optimizer as the saved run, or start without resuming.");
        var shapes = ParameterShapes(optimizer);
        var saved = metadata.OptimizerParameterShapes;
        for (int i = 0; i < Math.Max(shapes.Length, saved.Length); i++)
        {
            string Of(long[][] s) => i < s.Length ? $"[{string.Join(", ", s[i])}]" : "nothing";
            if (i >= shapes.Length || i >= saved.Length || !shapes[i].SequenceEqual(saved[i]))
                throw new InvalidDataException(
                    $"Checkpoint {path} has optimizer state for other parameters: parameter {i} expected {Of(shapes)} (the optimizer given), got {Of(saved)} " +
                    $"({saved.Length} parameters saved, {shapes.Length} given). Freeze the same blocks and build the parameter groups in the same order, or start without resuming.");
        }
    }

    static void CheckSameLayout(WeightSnapshot best, WeightSnapshot weights, string path)
    {
        if (!best.Entries.Select(e => (e.Name, string.Join(",", e.Value.shape))).SequenceEqual(weights.Entries.Select(e => (e.Name, string.Join(",", e.Value.shape)))))
            throw new InvalidDataException($"Checkpoint {path}: its best weights do not have the layout of its current weights; the file is corrupt. Delete it to start over.");
    }

    static byte[] OptimizerBytes(OptimizerHelper optimizer)
    {
        // Frees any temporary tensors the optimizer creates while saving; nothing here must outlive the call.
        using var scope = torch.NewDisposeScope();
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        return stream.ToArray();
    }

    /// <summary>
    /// TorchSharp's built-in optimizers (SGD, Adam, AdamW, …) derive from OptimizerHelper, which is where
    /// <c>save_state_dict</c>/<c>load_state_dict</c> live; the Optimizer base class has no state methods.
    /// </summary>
    static OptimizerHelper AsStatefulOptimizer(optim.Optimizer optimizer) =>
        optimizer as OptimizerHelper ?? throw new ArgumentException(
            $"Checkpoints need an optimizer that can save its state (TorchSharp's SGD, Adam, AdamW, …), got {optimizer.GetType().Name}. " +
            "Use one of TorchSharp's optimizers, or train without CheckpointPath.", nameof(optimizer));
}
