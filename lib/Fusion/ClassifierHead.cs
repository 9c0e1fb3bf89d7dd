using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Fusion;

/// <summary>
/// A small new classifier on a feature vector: Linear → ReLU → Dropout → Linear, (N, inputs) → class scores (N, classes).
/// The only trainable part of a classifier on frozen features.
/// </summary>
public sealed class ClassifierHead : nn.Module<Tensor, Tensor>
{
    readonly Linear hidden;
    readonly Dropout dropout;
    readonly Linear output;

    public ClassifierHead(long inputs, long classes, long hiddenSize = 256, double dropoutRate = 0.3) : base(nameof(ClassifierHead))
    {
        hidden = nn.Linear(inputs, hiddenSize);
        dropout = nn.Dropout(dropoutRate);
        output = nn.Linear(hiddenSize, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor features) => output.call(dropout.call(nn.functional.relu(hidden.call(features))));
}
