namespace Tutorials.Notebooks;

/// <summary>A prediction against a reference: better than it, about the same, or worse.</summary>
public enum BetterSameWorse
{
    /// <summary>Not written down yet.</summary>
    NotPredicted,
    Better,
    AboutTheSame,
    Worse,
}

// Notebook 04, exercise 3: predict, then run. The weight-averaging curves walk α from 0 to 1; the learner predicts what
// happens past an end of that line (α outside [0, 1]) and the check measures it on the held-out training pairs.
public static partial class Exercises
{
    /// <summary>Within this many accuracy points (as a fraction) of the better end counts as "about the same".</summary>
    public const double ExtrapolationMargin = 0.02;

    /// <summary>
    /// Exercise 04.3. <paramref name="heldOutAccuracyAt"/>(α) builds the shared-start mix at α (BatchNorm re-measured)
    /// and returns its accuracy on the held-out training pairs. The check measures it at α = 0, 1 and
    /// <paramref name="alpha"/> (first, so that the notebook's own path runs in every run), then compares the outcome —
    /// better, about the same (within <see cref="ExtrapolationMargin"/>) or worse than the better end — with
    /// <paramref name="prediction"/> and explains.
    /// </summary>
    public static ExerciseVerdict CheckExtrapolation(BetterSameWorse prediction, double alpha, Func<double, double> heldOutAccuracyAt) =>
        Judge("Exercise 04.3 (predict, then run: past the end of the line)", () =>
        {
            if (double.IsNaN(alpha) || alpha is >= 0 and <= 1)
                throw new WrongAnswer($"α = {alpha} lies on the segment between the two fine-tunes, which the curves above already walk. " +
                                      "Choose an α outside [0, 1], e.g. 1.5 (past the second fine-tune) or −0.5 (past the first).");
            if (Math.Abs(alpha) > 10)
                throw new WrongAnswer($"α = {alpha} is far out: the weights would be mostly extrapolation. Choose an α within [−10, 10], e.g. 1.5.");
            double at0 = heldOutAccuracyAt(0), at1 = heldOutAccuracyAt(1), atAlpha = heldOutAccuracyAt(alpha);
            if (prediction == BetterSameWorse.NotPredicted)
                throw new NotDoneYet("Write your prediction first: set myExtrapolation to BetterSameWorse.Better, .AboutTheSame or " +
                                     ".Worse (and myAlpha to the α you want to try), then run this cell again.");
            foreach (var (a, acc) in new[] { (0.0, at0), (1.0, at1), (alpha, atAlpha) })
                if (!(acc is >= 0 and <= 1))
                    throw new WrongAnswer($"The accuracy at α = {a} came out as {acc}, not a fraction between 0 and 1: check the function that measures it.");

            double better = Math.Max(at0, at1), difference = atAlpha - better;
            var outcome = difference > ExtrapolationMargin ? BetterSameWorse.Better
                : difference < -ExtrapolationMargin ? BetterSameWorse.Worse : BetterSameWorse.AboutTheSame;
            string measured = $"Measured on the held-out training pairs: α = 0 {at0:P1}, α = 1 {at1:P1}, α = {alpha:0.##} {atAlpha:P1}: " +
                              $"{difference * 100:+0.0;-0.0} points against the better end, so {Describe(outcome)}.";
            string why = outcome switch
            {
                BetterSameWorse.Worse =>
                    "Both fine-tunes started from the same pretrained weights and ended where the loss is low, and the segment between " +
                    "them stayed low (the curve above). Past an end, the line keeps going in the direction θ₂ − θ₁: the difference " +
                    "between two good solutions, not a direction that lowers the loss. Nothing trained the weights out there.",
                BetterSameWorse.AboutTheSame =>
                    "The two fine-tunes differ little (the same start, two data orders, a few steps), so this α moves the weights only " +
                    "a little past an end: not far enough to leave the region where the loss is low. Try a larger |α| and see where it breaks.",
                _ =>
                    "Here θ₂ − θ₁ happened to point downhill for the held-out pairs, so going further helped. That is what " +
                    "\"task arithmetic\" exploits on purpose; but it is one draw on a small held-out set: try the other end (α = −0.5) and " +
                    "another seed before you trust it.",
            };
            if (prediction != outcome)
                throw new WrongAnswer($"You predicted {Describe(prediction)}. {measured} {why}");
            return $"{measured} {why}";
        });

    static string Describe(BetterSameWorse p) => p switch
    {
        BetterSameWorse.Better => "better than the better fine-tune",
        BetterSameWorse.AboutTheSame => $"about the same as the better fine-tune (within {ExtrapolationMargin * 100:0} points)",
        BetterSameWorse.Worse => "worse than the better fine-tune",
        _ => "nothing yet",
    };
}
