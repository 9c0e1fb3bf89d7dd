using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Combining;

/// <summary>
/// Stacking: a small meta-classifier that learns how to combine the members' outputs, instead of a fixed average.
/// Its input is the members' class probabilities side by side (as log-probabilities, so that "very sure" and
/// "fairly sure" are far apart); its output is the class. Here it is one linear layer (multinomial logistic
/// regression): with a few hundred rows to learn from, anything bigger overfits.
/// <para>
/// It must be trained on rows the members did <b>not</b> train on (a held-out split, or out-of-fold predictions).
/// On their own training rows a member's outputs are not what it gives on new rows (a member that can memorise is
/// right and sure there; notebook 04 prints, for its members, how accuracy and confidence differ between the two), so a
/// meta-classifier trained there learns how to weigh outputs the members will never give again.
/// </para>
/// </summary>
public sealed class StackingClassifier : nn.Module<Tensor, Tensor>
{
    readonly Linear combine;

    public int Members { get; }
    public int Classes { get; }

    public StackingClassifier(int members, int classes) : base(nameof(StackingClassifier))
    {
        if (members < 1 || classes < 2)
            throw new ArgumentException($"Expected at least 1 member and 2 classes, got {members} and {classes}.");
        Members = members;
        Classes = classes;
        combine = nn.Linear(members * classes, classes);
        RegisterComponents();
    }

    /// <summary>The meta-classifier's input: the members' probabilities (each (N, C)) as log-probabilities, side by side.</summary>
    public static Tensor Inputs(params Tensor[] memberProbabilities)
    {
        if (memberProbabilities.Length == 0)
            throw new ArgumentException("Expected the probabilities of at least one member, got none.", nameof(memberProbabilities));
        return torch.cat(memberProbabilities.Select(p => p.clamp_min(1e-6).log()).ToArray(), dim: 1);
    }

    /// <summary>Stacked inputs (N, members × classes) → class logits (N, classes).</summary>
    public override Tensor forward(Tensor stacked)
    {
        if (stacked.dim() != 2 || stacked.shape[1] != Members * Classes)
            throw new ArgumentException(
                $"Expected stacked member outputs of shape [N, {Members * Classes}] ({Members} members × {Classes} classes, from StackingClassifier.Inputs), " +
                $"got [{string.Join(", ", stacked.shape)}].");
        return combine.call(stacked);
    }
}
