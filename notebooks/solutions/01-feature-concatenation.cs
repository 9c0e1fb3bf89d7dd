// Solutions to the exercises of notebook 01 (01-feature-concatenation.ipynb).
// Try each exercise in the notebook first; the check cell tells you what is off. Each method body here is what
// goes into the notebook's stub cell. The test suite checks these solutions with the same checks
// (tests/Tutorials.Tests/Exercises/).
using TorchSharp;
using Tutorials.Notebooks;
using static TorchSharp.torch;

namespace Tutorials.Solutions;

public static class Notebook01
{
    /// <summary>Exercise 01.1: normalise a speaker's features with statistics from their enrolment recordings only.</summary>
    public static Tensor NormalizeWithEnrolment(Tensor features, Tensor enrolment)
    {
        // dim 0 runs over the enrolment recordings: one mean and one spread per feature (column).
        var mean = enrolment.mean([0], keepdim: true);
        var std = enrolment.std(0, keepdim: true);
        return (features - mean) / std;       // broadcast over every row of features; a new tensor, inputs untouched
    }

    /// <summary>Exercise 01.2: the prediction, written down before running.</summary>
    public const SameOrDifferent Prediction = SameOrDifferent.Different;

    /// <summary>Exercise 01.2: the same 8 images, alone and among the whole batch, with the frozen extractor in training mode.</summary>
    public static double TrainModeDifference(nn.Module extractor, Func<Tensor, Tensor> features, Tensor images)
    {
        extractor.train();                          // what a forgotten eval() leaves: BatchNorm uses each batch's statistics
        var alone = features(images[..8]);
        var together = features(images)[..8];       // the same 8 images, as the first rows of a larger batch
        extractor.eval();                           // back to the stored statistics, for everything after this cell
        return (alone - together).abs().max().item<float>();
    }
}
