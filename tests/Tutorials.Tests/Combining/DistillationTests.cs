using Tutorials.Combining;
using Tutorials.Losses;

namespace Tutorials.Tests.Combining;

public class DistillationTests
{
    [Fact]
    public void LossMatchesAHandComputedValue()
    {
        // One row, two classes. Student logits (1, 0), teacher soft targets (0.25, 0.75), label 0, T = 2, α = 0.5.
        var student = torch.tensor(new float[,] { { 1f, 0f } });
        var teacher = torch.tensor(new float[,] { { 0.25f, 0.75f } });
        var label = torch.tensor(new long[] { 0 });
        double T = 2, alpha = 0.5;

        // By hand: softmax((1, 0) / 2) = (e^0.5, 1) / (e^0.5 + 1)
        double q0 = Math.Exp(0.5) / (Math.Exp(0.5) + 1), q1 = 1 / (Math.Exp(0.5) + 1);
        double kl = 0.25 * Math.Log(0.25 / q0) + 0.75 * Math.Log(0.75 / q1);        // KL(teacher ‖ student)
        double ce = -Math.Log(Math.Exp(1) / (Math.Exp(1) + 1));                     // cross-entropy at T = 1
        double expected = alpha * T * T * kl + (1 - alpha) * ce;

        double got = Distillation.Loss(student, teacher, label, T, alpha).item<float>();
        Assert.Equal(expected, got, 5);
    }

    [Fact]
    public void AlphaZeroIsPlainCrossEntropyAndMatchingTheTeacherCostsNothing()
    {
        torch.manual_seed(0);
        var logits = torch.randn(6, 4);
        var labels = torch.tensor(new long[] { 0, 1, 2, 3, 0, 1 });
        var ce = nn.functional.cross_entropy(logits, labels).item<float>();
        Assert.Equal(ce, Distillation.Loss(logits, Distillation.SoftTargets(torch.randn(6, 4), 3), labels, 3, 0).item<float>(), 5);
        // α = 1 and a teacher equal to the student's own softened output: KL = 0.
        Assert.Equal(0f, Distillation.Loss(logits, Distillation.SoftTargets(logits, 3), labels, 3, 1).item<float>(), 5);
    }

    [Fact]
    public void BadSettingsAreRejected()
    {
        var z = torch.zeros(2, 3);
        var y = torch.zeros(2, ScalarType.Int64);
        Assert.Throws<ArgumentOutOfRangeException>(() => Distillation.Loss(z, z.softmax(1), y, 0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Distillation.Loss(z, z.softmax(1), y, 2, 1.5));
        var e = Assert.Throws<ArgumentException>(() => Distillation.Loss(z, torch.ones(2, 4) / 4, y, 2, 0.5));
        Assert.Contains("[2, 4]", e.Message);
    }
}
