namespace Tutorials.Notebooks;

// Notebook 00 (00-getting-started): one gradient-descent step of the line fit, by hand.
public static partial class Exercises
{
    /// <summary>
    /// Exercise 00.1. <paramref name="step"/>(w, b, x, y, learningRate) must return (w, b) after one step of plain
    /// gradient descent on the mean squared error L(w, b) = (1/n) Σ (w·xᵢ + b − yᵢ)², both gradients taken at the old
    /// (w, b). The reference below is that formula in doubles; no optimizer or autograd is involved.
    /// </summary>
    public static ExerciseVerdict CheckGradientStep(Func<float, float, float[], float[], float, (float W, float B)> step) =>
        Judge("Exercise 00.1 (one gradient-descent step by hand)", () =>
        {
            float[] x = [-1f, -0.5f, 0.5f, 1f, 2f];
            float[] y = [-1.4f, -0.6f, 1.6f, 2.4f, 4.5f];     // about 2x + 0.5, with a little noise
            const float w = 0.3f, b = -0.2f, lr = 0.1f;
            var (gotW, gotB) = step(w, b, (float[])x.Clone(), (float[])y.Clone(), lr);

            // The reference, from the formula: r = w·x + b − y; dL/dw = (2/n) Σ x·r; dL/db = (2/n) Σ r.
            int n = x.Length;
            double Residual(int i, double ww, double bb) => ww * x[i] + bb - y[i];
            double dw = 2.0 / n * Enumerable.Range(0, n).Sum(i => x[i] * Residual(i, w, b));
            double db = 2.0 / n * Enumerable.Range(0, n).Sum(i => Residual(i, w, b));
            (double W, double B) expected = (w - lr * dw, b - lr * db);
            bool Is((double W, double B) candidate) => Math.Abs(gotW - candidate.W) < 1e-4 && Math.Abs(gotB - candidate.B) < 1e-4;

            if (Is(expected))
                return $"From (w, b) = (0.3, −0.2) with learning rate 0.1: w = {N(gotW)}, b = {N(gotB)}. Both gradients are " +
                       "averages over the points (that is what \"mean\" squared error means), b's gradient has no x in it, and " +
                       "both are taken before either parameter moves — exactly what optimizer.step() does in the training loop.";
            if (float.IsNaN(gotW) || float.IsNaN(gotB)) throw new WrongAnswer($"Your step returned w = {gotW}, b = {gotB}: NaN. Check for a division by zero.");

            string got = $"You returned w = {N(gotW)}, b = {N(gotB)}; expected w = {N(expected.W)}, b = {N(expected.B)}.";
            // Typical mistakes, each recomputed from its own (wrong) formula.
            double dwSumNoBias = Enumerable.Range(0, n).Sum(i => 2 * x[i] * (w * x[i] - y[i]));
            if (Math.Abs(gotW - (w - lr * dwSumNoBias)) < 1e-4)
                throw new WrongAnswer($"{got} Your w moved by the gradient of the autograd cell's loss, Σ (w·xᵢ − yᵢ)²: a sum, with no b. " +
                                      "Here the loss is the mean of (w·xᵢ + b − yᵢ)²: put b into the residual and divide the sum by n.");
            if (Is((w - lr * n * dw, b - lr * n * db)))
                throw new WrongAnswer($"{got} Your step is n = {n} times too large: you summed the gradient over the points. " +
                                      "The loss is a mean (mse_loss averages), so its gradient is (2/n) Σ …: divide by n.");
            if (Is((w - lr * dw / 2, b - lr * db / 2)))
                throw new WrongAnswer($"{got} Your step is half the size: the derivative of r² is 2·r, so each gradient carries a factor 2.");
            if (Is((w + lr * dw, b + lr * db)))
                throw new WrongAnswer($"{got} You moved uphill: gradient descent subtracts the gradient (w − lr·dL/dw), it does not add it.");
            if (Math.Abs(gotW - expected.W) < 1e-4 && Math.Abs(gotB - b) < 1e-6)
                throw new WrongAnswer($"{got} w is right, but b did not move: b has its own gradient, dL/db = (2/n) Σ (w·xᵢ + b − yᵢ).");
            double dbWithX = 2.0 / n * Enumerable.Range(0, n).Sum(i => x[i] * Residual(i, w, b));
            if (Math.Abs(gotW - expected.W) < 1e-4 && Math.Abs(gotB - (b - lr * dbWithX)) < 1e-4)
                throw new WrongAnswer($"{got} b's gradient has no x in it: the residual changes by 1 when b changes by 1, so dL/db = (2/n) Σ rᵢ.");
            double dbAfterW = 2.0 / n * Enumerable.Range(0, n).Sum(i => Residual(i, expected.W, b));
            if (Math.Abs(gotW - expected.W) < 1e-4 && Math.Abs(gotB - (b - lr * dbAfterW)) < 1e-4)
                throw new WrongAnswer($"{got} You computed b's gradient after moving w. Take both gradients at the old (w, b) first, then move both.");
            if (Math.Abs(gotW - expected.W) < 1e-4)
                throw new WrongAnswer($"{got} w is right; b is not: b − lr · (2/n) Σ (w·xᵢ + b − yᵢ).");
            throw new WrongAnswer($"{got} Residuals rᵢ = w·xᵢ + b − yᵢ; dL/dw = (2/n) Σ xᵢ·rᵢ; dL/db = (2/n) Σ rᵢ; then subtract lr times each.");
        });
}
