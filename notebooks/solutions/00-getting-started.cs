// Solution to the exercise of notebook 00 (00-getting-started.ipynb).
// Try the exercise in the notebook first; the check cell tells you what is off. The method body here is what goes
// into the notebook's stub cell. The test suite checks this solution with the same check (tests/Tutorials.Tests/Exercises/).
namespace Tutorials.Solutions;

public static class Notebook00
{
    /// <summary>Exercise 00.1: one step of gradient descent on the mean squared error of y = w·x + b, by hand.</summary>
    public static (float W, float B) GradientStep(float w, float b, float[] x, float[] y, float learningRate)
    {
        int n = x.Length;
        float dw = 0, db = 0;
        for (int i = 0; i < n; i++)
        {
            float r = w * x[i] + b - y[i];      // the residual of point i
            dw += 2 * x[i] * r / n;             // d/dw of r² is 2·r·x; the mean divides by n
            db += 2 * r / n;                    // d/db of r² is 2·r: no x
        }
        // Both gradients were taken at the old (w, b); now move both, downhill.
        return (w - learningRate * dw, b - learningRate * db);
    }
}
