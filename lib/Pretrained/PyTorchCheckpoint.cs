using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using Tutorials.Backbones;

namespace Tutorials.Pretrained;

/// <summary>
/// Loads PyTorch weights into a TorchSharp module by parameter name: a <c>state_dict</c> saved with
/// <c>torch.save(model.state_dict(), path)</c> (.pt / .pth / .bin), or a <c>.safetensors</c> file. Reading is done
/// by TorchSharp.PyBridge; this class adds the checks first. PyBridge's own <c>load_py</c> (1.4.4) accepted a
/// checkpoint of another width without an error in our test, leaving a model that runs but is wrong; here every
/// missing, unexpected or mis-shaped tensor is named, together in one error, and nothing is copied unless all fit.
/// </summary>
public static class PyTorchCheckpoint
{
    /// <summary>All tensors in a checkpoint, by name. The caller disposes them.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint not found: {path}.", path);
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return Safetensors.LoadStateDict(path);

        var pickled = PyTorchUnpickler.UnpickleStateDict(path);
        var tensors = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry entry in pickled)
            tensors[(string)entry.Key] = entry.Value as Tensor ?? throw new InvalidDataException(
                $"{path}: entry '{entry.Key}' is a {entry.Value?.GetType().Name ?? "null"}, not a tensor. " +
                "Save the state_dict (torch.save(model.state_dict(), path)), not the whole model or a training checkpoint dict.");
        return tensors;
    }

    /// <summary>
    /// Copies every tensor of the checkpoint at <paramref name="path"/> into <paramref name="module"/> after checking
    /// that names and shapes match. <paramref name="skip"/> names checkpoint tensors to ignore (for example a
    /// classifier head: <c>fc.weight</c>, <c>fc.bias</c>). A missing <c>num_batches_tracked</c> is allowed: it only
    /// counts training steps, and older checkpoints lack it.
    /// </summary>
    public static void LoadInto(nn.Module module, string path, IEnumerable<string>? skip = null)
    {
        var skipped = (skip ?? []).ToHashSet();
        var checkpoint = Read(path);
        try
        {
            var target = module.state_dict();
            var problems = new List<string>();
            // In the module's order (stem first), so the first problem named is the first one that matters.
            foreach (var (name, destination) in target)
            {
                if (!checkpoint.TryGetValue(name, out var tensor) || skipped.Contains(name))
                {
                    if (!name.EndsWith(".num_batches_tracked"))
                        problems.Add($"missing '{name}' ({Shape(destination)}): the checkpoint has no tensor of that name.");
                }
                else if (!destination.shape.SequenceEqual(tensor.shape))
                    problems.Add($"'{name}': the module expects {Shape(destination)}, the checkpoint has {Shape(tensor)}.");
            }
            foreach (var name in checkpoint.Keys.Where(n => !target.ContainsKey(n) && !skipped.Contains(n)).Order())
                problems.Add($"unexpected '{name}' ({Shape(checkpoint[name])}): the module has no such tensor" +
                             (name.StartsWith("fc.") ? " (a classifier head: pass skip: [\"fc.weight\", \"fc.bias\"])." : "."));
            if (problems.Count > 0)
                throw new InvalidDataException(
                    $"Checkpoint {Path.GetFileName(path)} does not fit {module.GetName()}: {problems.Count} problem(s).\n  " +
                    string.Join("\n  ", problems.Take(20)) + (problems.Count > 20 ? $"\n  … and {problems.Count - 20} more." : "") +
                    "\nBuild the module with the checkpoint's width and block layout, or skip the tensors it does not have.");

            using var noGrad = no_grad();
            foreach (var (name, tensor) in checkpoint.Where(kv => target.ContainsKey(kv.Key) && !skipped.Contains(kv.Key)))
                target[name].copy_(tensor);           // copy_ converts dtype and device as needed
        }
        finally
        {
            foreach (var tensor in checkpoint.Values) tensor.Dispose();
        }
    }

    static string Shape(Tensor t) => t.shape.Length == 0 ? "scalar" : string.Join("x", t.shape);

    /// <summary>
    /// Loads a Hugging Face BERT state dict (.pt/.bin or .safetensors) into <paramref name="encoder"/>; returns it.
    /// The names are checked by <see cref="BertWeights.Apply"/>, which tolerates <c>embeddings.position_ids</c> and <c>pooler.*</c>.
    /// </summary>
    public static BertEncoder LoadBert(BertEncoder encoder, string path)
    {
        var tensors = Read(path);
        try { BertWeights.Apply(encoder, tensors, path); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
        return encoder;
    }
}
