using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

// Notebook 03: the two contrastive losses, written from their formulas. The references below are plain loops
// over float64 arrays, written from the formulas and independent of lib/Contrastive.
public static partial class Exercises
{
    /// <summary>
    /// Exercise 03.1. <paramref name="marginLoss"/>(image, text, y) must return, as a scalar,
    /// <c>mean over all i, j of  y[i,j]·d²[i,j] + (1 − y[i,j])·max(0, 1 − d²[i,j])</c>, with
    /// d²[i,j] = ‖image_i − text_j‖² over every image–text pair of the batch (B×B). Checked on B = 4 pairs of
    /// 3-d embeddings with two label matrices: the identity, and one where image 0 also matches text 3.
    /// </summary>
    public static ExerciseVerdict CheckMarginLoss(Func<Tensor, Tensor, Tensor, Tensor> marginLoss) =>
        Judge("Exercise 03.1 (the margin loss from its formula)", () =>
        {
            SeedForCheck(301);
            var image = nn.functional.normalize(torch.randn(4, 3), dim: 1);
            var text = nn.functional.normalize(torch.randn(4, 3), dim: 1);
            var identity = torch.eye(4);
            var shared = torch.eye(4);
            shared[0, 3] = torch.tensor(1f);                     // caption 3 happens to describe image 0 as well
            foreach (var (y, which) in new[] { (identity, "y = identity (only matching pairs)"), (shared, "a y where image 0 also matches text 3") })
            {
                var got = NotNull(marginLoss(image, text, y), "loss");
                if (got.numel() != 1)
                    throw new WrongAnswer($"With {which}, your loss has shape {Shape(got)}; a loss is one number (shape []). " +
                                          (got.shape.Length == 1 && got.shape[0] == 4
                                              ? "You averaged over one axis only (e.g. .mean(1)): take .mean() over every entry of the B×B grid."
                                              : "Average every entry of the B×B grid with .mean()."));
                double value = got.detach().to_type(ScalarType.Float64).item<double>();
                var d2 = SquaredDistances(image, text);
                var labels = ToArray(y);
                double expected = MarginReference(d2, labels, squared: true);
                if (Math.Abs(value - expected) <= 1e-5) continue;

                string Message(string why) => $"With {which}, your loss is {N(value)}, expected {N(expected)}. {why}";
                if (Math.Abs(value - MarginReference(d2, labels, squared: false)) <= 1e-5)
                    throw new WrongAnswer(Message("That is the loss with the distance d instead of the squared distance d² = ((image_i − text_j)²).sum(): keep the square (no sqrt)."));
                if (Math.Abs(value - MarginReference(d2, labels, squared: true, swapLabels: true)) <= 1e-5)
                    throw new WrongAnswer(Message("That is the loss with y and 1 − y swapped: matching pairs (y = 1) should be pulled together (y·d²), the others pushed apart ((1 − y)·max(0, 1 − d²))."));
                if (Math.Abs(value - MarginReference(d2, labels, squared: true) * 16) <= 1e-4)
                    throw new WrongAnswer(Message("That is the sum over the 4×4 grid; the formula takes the mean."));
                if (Math.Abs(value - MarginReference(d2, labels, squared: true, withoutClamp: true)) <= 1e-5)
                    throw new WrongAnswer(Message("That is the loss without the clamp: a non-matching pair further apart than the margin (d² > 1) must contribute 0, not a negative number. Use .clamp_min(0)."));
                if (Math.Abs(value - MarginReference(d2, labels, squared: true, diagonalOnly: true)) <= 1e-5)
                    throw new WrongAnswer(Message("That is the loss over the B matching rows only (image i with text i). The formula looks at every pair: d² is B×B, e.g. (image.unsqueeze(1) − text.unsqueeze(0)).pow(2).sum(-1)."));
                if (which != "y = identity (only matching pairs)" && Math.Abs(value - MarginReference(d2, ToArray(identity), squared: true)) <= 1e-5)
                    throw new WrongAnswer(Message("That is the loss for y = identity: use the label matrix you were given, not torch.eye(B)."));
                throw new WrongAnswer(Message("Build d² as a 4×4 grid of squared distances, then y·d² + (1 − y)·(1 − d²).clamp_min(0), then .mean()."));
            }
            return "Matching pairs are pulled together by y·d², non-matching pairs pushed out to d² ≥ 1, averaged over the whole B×B grid.";
        });

    /// <summary>
    /// Exercise 03.2. <paramref name="infoNce"/>(image, text, scale) must return CLIP's symmetric InfoNCE loss:
    /// L2-normalise both, logits = scale · u·vᵀ (B×B), then the mean of the cross-entropy of the rows (image → text,
    /// target i) and of the columns (text → image, target i). Checked on B = 4, D = 3 with scale 5.
    /// </summary>
    public static ExerciseVerdict CheckInfoNce(Func<Tensor, Tensor, double, Tensor> infoNce) =>
        Judge("Exercise 03.2 (CLIP's symmetric InfoNCE)", () =>
        {
            SeedForCheck(302);
            var image = torch.randn(4, 3) * 2;                  // not normalised: normalising is part of the task
            var text = torch.randn(4, 3) * 2;
            const double scale = 5;
            var got = NotNull(infoNce(image, text, scale), "loss");
            if (got.numel() != 1)
                throw new WrongAnswer($"Your loss has shape {Shape(got)}; a loss is one number. cross_entropy already averages over the rows; average the two directions.");
            double value = got.detach().to_type(ScalarType.Float64).item<double>();
            var u = ToArray(image); var v = ToArray(text);
            double expected = InfoNceReference(u, v, scale, normalise: true, both: true);
            if (Math.Abs(value - expected) <= 1e-4)
                return "Each row of the B×B logits is a B-way classification whose answer is the matching caption, and each column the same for images; the loss averages both directions.";

            string Message(string why) => $"Your loss is {N(value)}, expected {N(expected)}. {why}";
            if (Math.Abs(value - InfoNceReference(u, v, scale, normalise: true, both: false)) <= 1e-4
                || Math.Abs(value - InfoNceReference(v, u, scale, normalise: true, both: false)) <= 1e-4)
                throw new WrongAnswer(Message("That is one direction only. Add the cross-entropy of the transposed logits (text → image) and average the two."));
            if (Math.Abs(value - InfoNceReference(u, v, scale, normalise: false, both: true)) <= 1e-4)
                throw new WrongAnswer(Message("That is the loss without normalising: divide each embedding by its length first (nn.functional.normalize(x, p: 2, dim: 1)), so the logits are scaled cosine similarities."));
            if (Math.Abs(value - InfoNceReference(u, v, 1, normalise: true, both: true)) <= 1e-4)
                throw new WrongAnswer(Message("That is the loss without the scale (temperature): multiply the cosine similarities by scale before the cross-entropy."));
            throw new WrongAnswer(Message("logits = scale · u.matmul(v.T); targets = torch.arange(B); loss = (cross_entropy(logits, targets) + cross_entropy(logits.T, targets)) / 2."));
        });

    static double[][] ToArray(Tensor t)
    {
        var d = t.detach().to_type(ScalarType.Float64).contiguous();
        return Enumerable.Range(0, (int)d.shape[0]).Select(i => d[i].data<double>().ToArray()).ToArray();
    }

    static double[][] SquaredDistances(Tensor image, Tensor text)
    {
        var a = ToArray(image); var b = ToArray(text);
        return a.Select(x => b.Select(z => x.Zip(z, (p, q) => (p - q) * (p - q)).Sum()).ToArray()).ToArray();
    }

    // mean over i, j of y·d² + (1 − y)·max(0, 1 − d²) — and the variants a learner typically writes by mistake.
    static double MarginReference(double[][] d2, double[][] y, bool squared, bool swapLabels = false, bool withoutClamp = false, bool diagonalOnly = false)
    {
        double sum = 0; int count = 0;
        for (int i = 0; i < d2.Length; i++)
            for (int j = 0; j < d2[i].Length; j++)
            {
                if (diagonalOnly && i != j) continue;
                double dist = squared ? d2[i][j] : Math.Sqrt(d2[i][j]);
                double label = swapLabels ? 1 - y[i][j] : y[i][j];
                double push = withoutClamp ? 1 - dist : Math.Max(0, 1 - dist);
                sum += label * dist + (1 - label) * push;
                count++;
            }
        return sum / count;
    }

    // CE of each row of s·u·vᵀ against the diagonal (and, if both, of each column), averaged.
    static double InfoNceReference(double[][] u, double[][] v, double scale, bool normalise, bool both)
    {
        double[] Unit(double[] x) { double n = Math.Sqrt(x.Sum(e => e * e)); return normalise ? x.Select(e => e / n).ToArray() : x; }
        var a = u.Select(Unit).ToArray(); var b = v.Select(Unit).ToArray();
        int n = a.Length;
        var logits = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) logits[i, j] = scale * a[i].Zip(b[j], (p, q) => p * q).Sum();
        double RowLoss(Func<int, int, double> l)
        {
            double total = 0;
            for (int i = 0; i < n; i++)
            {
                double max = Enumerable.Range(0, n).Max(j => l(i, j));
                double lse = max + Math.Log(Enumerable.Range(0, n).Sum(j => Math.Exp(l(i, j) - max)));
                total += lse - l(i, i);
            }
            return total / n;
        }
        double imageToText = RowLoss((i, j) => logits[i, j]);
        double textToImage = RowLoss((i, j) => logits[j, i]);
        return both ? (imageToText + textToImage) / 2 : imageToText;
    }
}
