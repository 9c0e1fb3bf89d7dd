using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Losses;

/// <summary>
/// Knowledge distillation (Hinton et al., 2015): a compact <i>student</i> learns from the <i>teachers'</i> soft
/// targets — their full class probabilities, softened with a temperature T — as well as from the hard labels.
/// The soft targets say more than the label ("a 7, but it could be a 1, certainly not a 0"), which is what lets a
/// small model copy a big one, or one model copy an ensemble.
/// <code>
/// loss = α · T² · KL(p_teacher,T ‖ p_student,T) + (1 − α) · CE(student logits, labels)
/// p_·,T = softmax(logits / T)
/// </code>
/// KL(p ‖ q) = Σ p·(log p − log q), averaged over rows, with the teacher's distribution first (what PyTorch's
/// <c>kl_div(log q, p)</c> computes). The T² keeps the soft term's gradients on the same scale whatever T is.
/// </summary>
public static class Distillation
{
    /// <summary>Softened class probabilities softmax(logits / T) of a teacher.</summary>
    public static Tensor SoftTargets(Tensor teacherLogits, double temperature)
    {
        CheckTemperature(temperature);
        return nn.functional.softmax(teacherLogits / temperature, 1);
    }

    /// <summary>
    /// The distillation loss for a batch: <paramref name="teacherProbabilities"/> are the (already softened, e.g.
    /// <see cref="SoftTargets"/>, or an ensemble's mean of them) targets, (N, C) summing to 1 per row.
    /// </summary>
    public static Tensor Loss(Tensor studentLogits, Tensor teacherProbabilities, Tensor labels, double temperature, double alpha)
    {
        CheckTemperature(temperature);
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), $"Expected the soft-target share α in [0, 1], got {alpha}.");
        if (!studentLogits.shape.SequenceEqual(teacherProbabilities.shape))
            throw new ArgumentException(
                $"Expected the teacher's probabilities to have the student's logits' shape [{string.Join(", ", studentLogits.shape)}], " +
                $"got [{string.Join(", ", teacherProbabilities.shape)}].");
        var logStudent = nn.functional.log_softmax(studentLogits / temperature, 1);
        // Σ p·(log p − log q) per row; rows where p = 0 contribute 0 (clamp only keeps log finite).
        var kl = (teacherProbabilities * (teacherProbabilities.clamp_min(1e-12).log() - logStudent)).sum(1).mean();
        var hard = nn.functional.cross_entropy(studentLogits, labels);
        return kl * (alpha * temperature * temperature) + hard * (1 - alpha);
    }

    static void CheckTemperature(double t)
    {
        if (!(t > 0)) throw new ArgumentOutOfRangeException("temperature", $"Expected a temperature T > 0 (1 = unchanged, 2–5 typical), got {t}.");
    }
}
