using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

/// <summary>A prediction written down before running an experiment (notebook 01, exercise 2).</summary>
public enum SameOrDifferent
{
    /// <summary>Not written down yet.</summary>
    NotPredicted,
    /// <summary>The two measurements will agree.</summary>
    Same,
    /// <summary>The two measurements will differ.</summary>
    Different,
}

// Notebook 01: speaker normalisation from enrolment recordings; a frozen extractor left in training mode.
public static partial class Exercises
{
    /// <summary>
    /// Exercise 01.1. <paramref name="normalize"/>(features, enrolment) must standardise every row of
    /// <c>features</c> with the per-feature mean and standard deviation of <c>enrolment</c>
    /// (a few recordings the new speaker made beforehand): (x − mean_enrolment) / std_enrolment, per column.
    /// Checked on 8 recordings × 4 features and 5 enrolment recordings whose statistics differ from the 8 rows'.
    /// </summary>
    public static ExerciseVerdict CheckEnrolmentNormalization(Func<Tensor, Tensor, Tensor> normalize) =>
        Judge("Exercise 01.1 (speaker normalisation from enrolment recordings)", () =>
        {
            SeedForCheck(111);
            var offsets = torch.tensor(new float[] { 3f, -2f, 0.5f, 10f });
            var spreads = torch.tensor(new float[] { 0.5f, 2f, 1f, 4f });
            var enrolment = torch.randn(5, 4) * spreads + offsets;
            var features = torch.randn(8, 4) * spreads * 1.5f + offsets + 1f;   // later recordings: not the enrolment's statistics
            var (keepFeatures, keepEnrolment) = (features.clone(), enrolment.clone());

            var got = NotNull(normalize(features, enrolment), "function");
            if (!Identical(features, keepFeatures) || !Identical(enrolment, keepEnrolment))
                throw new WrongAnswer("Your function changed an input in place (sub_ / div_ …). Return a new tensor: the features are a cache used again later.");

            // The reference, from the formula: statistics over the enrolment rows (dim 0), applied to every feature row.
            var mean = enrolment.mean([0], keepdim: true);
            var expected = (features - mean) / enrolment.std(0, keepdim: true);
            var population = (features - mean) / enrolment.std(0, unbiased: false, keepdim: true);
            if (Same(got, expected, 1e-3))
                return "Each feature is shifted and scaled by what the enrolment recordings say about this voice; the rows being " +
                       "classified contribute nothing, so the first new recording can be normalised the moment it arrives.";
            if (Same(got, population, 1e-3))
                return "Right, with the population standard deviation (dividing by n; the kit divides by n − 1 — both are fine). " +
                       "The rows being classified contribute nothing to the statistics.";

            if (got.shape.SequenceEqual(enrolment.shape))
                throw new WrongAnswer($"Your result has shape {Shape(got)}, the enrolment's: you normalised the enrolment recordings. " +
                                      $"Normalise the features ({Shape(features)}) with the enrolment's statistics.");
            ExpectShape(got, features, "Your result", "Normalising keeps one value per recording and feature.");
            var found = Difference(got, expected, "Your result", 1e-3);
            var own = (features - features.mean([0], keepdim: true)) / features.std(0, keepdim: true);
            if (Same(got, own, 1e-3))
                throw new WrongAnswer($"{found} You used the statistics of the rows being normalised — that is SpeakerNormalization.Standardize, what " +
                                      "the notebook did with all of the test speaker's pairs. Here only the enrolment recordings may be used: take the mean " +
                                      "and std of `enrolment` over dim 0 and apply them to `features`.");
            var both = torch.cat([enrolment, features], dim: 0);
            if (Same(got, (features - both.mean([0], keepdim: true)) / both.std(0, keepdim: true), 1e-3))
                throw new WrongAnswer($"{found} You pooled the enrolment and the new rows. Take the statistics from the enrolment rows alone.");
            if (Same(got, features - mean, 1e-3))
                throw new WrongAnswer($"{found} You subtracted the enrolment mean but did not divide by the enrolment's standard deviation.");
            if (Same(got, (features - enrolment.mean([1], keepdim: true).mean()) / enrolment.std(1, keepdim: true).mean(), 1e-3) ||
                Same(got, (features - enrolment.mean()) / enrolment.std(), 1e-3))
                throw new WrongAnswer($"{found} Each feature (column) needs its own mean and std, taken over the enrolment recordings (rows): " +
                                      "enrolment.mean([0], keepdim: true) and enrolment.std(0, keepdim: true).");
            if (Same(got, (features - mean) * enrolment.std(0, keepdim: true), 1e-3))
                throw new WrongAnswer($"{found} You multiplied by the standard deviation; divide by it.");
            throw new WrongAnswer($"{found} Per column j: (features[:, j] − mean of enrolment[:, j]) / std of enrolment[:, j].");
        });

    /// <summary>
    /// Exercise 01.2, predict then run. The learner predicts whether a frozen extractor (no parameter needs
    /// gradients) left in training mode gives the same features for the same 8 images computed alone and as the first
    /// 8 rows of a larger batch, then measures it with <paramref name="measure"/>(extractor, features, images): put the
    /// extractor in training mode, compute both, put it back in eval mode, return the largest absolute difference.
    /// The check measures the same thing itself, restores the extractor's BatchNorm statistics (training mode moves
    /// them), and compares the prediction with the outcome.
    /// </summary>
    /// <param name="prediction">what the learner wrote down before running</param>
    /// <param name="measure">the learner's measurement</param>
    /// <param name="extractor">the frozen network whose mode is switched (the ResNet)</param>
    /// <param name="features">images → features with that network (e.g. <c>extractors.ImageFeatures</c>)</param>
    /// <param name="images">at least 16 images; the first 8 are the ones compared</param>
    public static ExerciseVerdict CheckFrozenInTrainingMode(SameOrDifferent prediction, Func<nn.Module, Func<Tensor, Tensor>, Tensor, double> measure,
        nn.Module extractor, Func<Tensor, Tensor> features, Tensor images) =>
        Judge("Exercise 01.2 (a frozen extractor in training mode)", () =>
        {
            if (images.shape[0] < 16)
                throw new ArgumentException($"Expected at least 16 images (the first 8 are compared), got {images.shape[0]}.", nameof(images));
            var trainable = extractor.parameters().Count(p => p.requires_grad);
            if (trainable > 0)
                throw new WrongAnswer($"The extractor has {trainable} parameter tensors with requires_grad = true: this exercise is about a frozen one. Freeze it first.");
            var saved = Buffers(extractor);
            bool wasTraining = extractor.training;
            double got;
            (int Changed, int Total) moved;
            bool leftTraining;
            try
            {
                using (torch.no_grad()) got = measure(extractor, features, images);
                leftTraining = extractor.training;
                moved = Changed(extractor, saved);
            }
            finally
            {
                Restore(extractor, saved);
                extractor.eval();
            }

            // The reference: the same measurement, written here; then the same pair in eval mode.
            (double Difference, double Size) Measured(bool training)
            {
                using var noGrad = torch.no_grad();
                using var scope = torch.NewDisposeScope();
                if (training) extractor.train(); else extractor.eval();
                try
                {
                    var alone = features(images[..8]);
                    var together = features(images)[..8];
                    return ((alone - together).abs().max().item<float>(), alone.abs().mean().item<float>());
                }
                finally
                {
                    Restore(extractor, saved);
                    extractor.eval();
                }
            }
            double reference = Measured(training: true).Difference;
            var (inEval, size) = Measured(training: false);
            if (wasTraining) extractor.train();

            if (prediction == SameOrDifferent.NotPredicted)
                throw new NotDoneYet("Write your prediction first: set myPrediction to SameOrDifferent.Same or SameOrDifferent.Different.");
            if (double.IsNaN(got)) throw new WrongAnswer("Your measurement is NaN.");
            if (leftTraining)
                throw new WrongAnswer($"Your function left the extractor in training mode (the check has put eval() back). The notebook's later " +
                                      "cells rely on eval mode: call extractor.eval() before you return.");
            if (Math.Abs(got - inEval) <= 1e-5 + 1e-3 * inEval && reference > 1e-3)
                throw new WrongAnswer($"You measured {N(got)}: that is the difference in eval mode, the notebook's own setting " +
                                      "(extractors.ImageFeatures as it is). Switch the extractor to training mode with extractor.train() first.");
            if (Math.Abs(got - reference) > 1e-4 + 1e-3 * reference)
                throw new WrongAnswer($"You measured {N(got)}; the check measured {N(reference)}. Compare features(images[..8]) with " +
                                      "features(images)[..8] (the same 8 images as the first rows of the whole batch), both in training mode, " +
                                      "and return the largest absolute difference.");

            string why = $"Measured: the same 8 images give features that differ by up to {N(reference)} (the features average " +
                         $"{N(size)} in size; in eval mode the difference is {N(inEval)}). In training mode each BatchNorm layer normalises " +
                         "with the mean and variance of the batch it is given, so an image's features depend on the other images in its " +
                         "batch; eval() switches to the statistics stored during pretraining. requires_grad = false only stops the " +
                         $"weights from learning: your run also changed {moved.Changed} of the {moved.Total} stored statistics tensors " +
                         "(BatchNorm's running means and variances; the check put them back). " +
                         "The article's sketch freezes its extractors this way and never calls eval(); the kit calls it.";
            if (prediction == SameOrDifferent.Same)
                throw new WrongAnswer($"You predicted the same features. {why}");
            return why;
        });

    static Dictionary<string, Tensor> Buffers(nn.Module module) =>
        module.named_buffers().ToDictionary(b => b.name, b => b.buffer.detach().clone());

    /// <summary>How many floating-point buffers (BatchNorm's running means and variances) differ from the saved copies.</summary>
    static (int Changed, int Total) Changed(nn.Module module, Dictionary<string, Tensor> saved)
    {
        var floats = module.named_buffers().Where(b => b.buffer.is_floating_point()).ToList();
        return (floats.Count(b => !b.buffer.detach().eq(saved[b.name]).all().item<bool>()), floats.Count);
    }

    static void Restore(nn.Module module, Dictionary<string, Tensor> saved)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, buffer) in module.named_buffers()) buffer.copy_(saved[name]);
    }
}
