using Tutorials.Backbones;
using static TorchSharp.torch;

namespace Tutorials.Pretrained;

/// <summary>
/// Copies the weights of the packaged CNTK ResNet (ONNX initializers) into a <see cref="ResNetBackbone"/>,
/// by name through <see cref="ResNetOnnxNameMap"/>. Every name and shape is checked before anything is copied,
/// and all problems are reported at once: a silently skipped or mis-shaped tensor would give a network that
/// runs but computes nonsense.
/// </summary>
public static class ResNetOnnxImport
{
    /// <summary>The batch-norm epsilon both the ONNX model and <see cref="BasicBlock"/> use.</summary>
    public const double BatchNormEpsilon = 1e-5;

    public static void CopyWeights(OnnxModel onnx, ResNetBackbone target, IReadOnlyList<NameMapEntry> map)
    {
        // Parameters and batch-norm statistics; num_batches_tracked only counts training steps and has no ONNX twin.
        var targetTensors = target.state_dict()
            .Where(kv => !kv.Key.EndsWith(".num_batches_tracked"))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var problems = FindProblems(onnx, targetTensors, map);
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"Cannot import the ONNX ResNet: {problems.Count} problem(s).\n  " + string.Join("\n  ", problems.Take(20)) +
                (problems.Count > 20 ? $"\n  … and {problems.Count - 20} more." : "") +
                "\nThe importer expects Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 and a ResNetBackbone() with the default " +
                "width 64 and blocks [2, 2, 2, 3].");

        using var noGrad = no_grad();
        foreach (var entry in map)
        {
            var source = onnx.Initializers[entry.OnnxName];
            var destination = targetTensors[entry.TorchName];
            using var values = tensor(source.Floats!, source.Dims);
            destination.copy_(values);
        }
    }

    static List<string> FindProblems(OnnxModel onnx, Dictionary<string, Tensor> targetTensors, IReadOnlyList<NameMapEntry> map)
    {
        var problems = new List<string>();
        var mappedTorch = map.Select(e => e.TorchName).ToHashSet();
        var mappedOnnx = map.Select(e => e.OnnxName).ToHashSet();

        foreach (var name in targetTensors.Keys.Where(n => !mappedTorch.Contains(n)))
            problems.Add($"module tensor '{name}' has no entry in the name map (the module has more tensors than the model).");
        foreach (var name in onnx.Initializers.Keys.Where(n => !mappedOnnx.Contains(n)))
            problems.Add($"ONNX initializer '{name}' is not in the name map (extra tensor in the model).");

        foreach (var entry in map)
        {
            if (!targetTensors.TryGetValue(entry.TorchName, out var destination))
            {
                problems.Add($"'{entry.TorchName}' (from ONNX '{entry.OnnxName}') does not exist in the module.");
                continue;
            }
            if (!onnx.Initializers.TryGetValue(entry.OnnxName, out var source))
            {
                problems.Add($"'{entry.TorchName}': ONNX initializer '{entry.OnnxName}' is missing from the model.");
                continue;
            }
            if (source.DataType != OnnxTensor.Float || source.Floats is null)
                problems.Add($"'{entry.TorchName}': ONNX initializer '{entry.OnnxName}' holds data type {source.DataType}, expected float (1).");
            else if (!source.Dims.SequenceEqual(entry.Shape) || !source.Dims.SequenceEqual(destination.shape))
                problems.Add($"'{entry.TorchName}': expected shape {Shape(destination.shape)} (name map: {Shape(entry.Shape)}), " +
                             $"got {Shape(source.Dims)} in ONNX '{entry.OnnxName}'.");
        }

        // The module's batch norms use eps 1e-5; a model trained with another epsilon would need it changed too.
        foreach (var node in onnx.Nodes.Where(n => n.OpType == "BatchNormalization"))
        {
            double eps = node.Floats.TryGetValue("epsilon", out var e) ? e : 1e-5;   // ONNX default
            if (Math.Abs(eps - BatchNormEpsilon) > 1e-9)
                problems.Add($"BatchNormalization node '{node.Name}' uses epsilon {eps}, expected {BatchNormEpsilon}.");
        }
        return problems;
    }

    static string Shape(IEnumerable<long> dims) => string.Join("x", dims);
}
