using Microsoft.Data.Analysis;
using Tutorials.Environment;

namespace Tutorials.Notebooks;

/// <summary>
/// Notebook 03's key results by name, as the runner's summary and the tests read them. Figures of several seeds are
/// means (<c>_sd</c>: their standard deviation). <c>zero_shot_acc</c> is the locked text tower with class
/// descriptions; <c>zero_shot_acc_finetuned</c> the fine-tuned text tower with descriptions; <c>_names</c> the same
/// with bare class names; <c>zero_shot_val…</c> the same four on the validation images of the held-out classes
/// (training-split images, never trained on), where the choices are judged.
/// </summary>
public static class KeyResults
{
    /// <param name="before">The untrained heads (one run).</param>
    /// <param name="margin">The article's margin loss (seed 0 is also reported as "after").</param>
    /// <param name="hadsell">Hadsell's margin loss.</param>
    /// <param name="infoNce">InfoNCE with the fine-tuned text tower.</param>
    /// <param name="locked">InfoNCE with the locked text tower.</param>
    /// <param name="chanceR1">Recall@1 of a model ranking at random.</param>
    /// <param name="cost">The measured step times.</param>
    /// <param name="tsneSeconds">Seconds per t-SNE map.</param>
    public static Dictionary<string, double> Of(SeedRuns before, SeedRuns margin, SeedRuns hadsell, SeedRuns infoNce, SeedRuns locked,
        double chanceR1, UnfreezingCost cost, double tsneSeconds)
    {
        var infoNceGap = SeedRuns.Compare(infoNce, margin, "i2t_r1");
        return new()
        {
            ["i2t_r1_before"] = before[0, "i2t_r1"], ["t2i_r1_before"] = before[0, "t2i_r1"], ["chance_r1"] = chanceR1,
            ["i2t_r1_after"] = margin[0, "i2t_r1"], ["t2i_r1_after"] = margin[0, "t2i_r1"], ["i2t_r5_after"] = margin[0, "i2t_r5"],
            ["margin_i2t_r1"] = margin.Mean("i2t_r1"), ["margin_t2i_r1"] = margin.Mean("t2i_r1"),
            ["hadsell_i2t_r1"] = hadsell.Mean("i2t_r1"), ["hadsell_t2i_r1"] = hadsell.Mean("t2i_r1"),
            ["infonce_i2t_r1"] = infoNce.Mean("i2t_r1"), ["infonce_t2i_r1"] = infoNce.Mean("t2i_r1"),
            ["infonce_minus_margin_i2t_r1"] = infoNceGap.Mean, ["infonce_minus_margin_i2t_r1_sd"] = infoNceGap.Sd,
            ["zero_shot_acc_before"] = before[0, "zero_shot_names"],
            ["zero_shot_acc"] = locked.Mean("zero_shot_described"), ["zero_shot_acc_sd"] = locked.Stats("zero_shot_described").Sd,
            ["zero_shot_acc_names"] = locked.Mean("zero_shot_names"),
            ["zero_shot_acc_finetuned"] = infoNce.Mean("zero_shot_described"), ["zero_shot_acc_finetuned_sd"] = infoNce.Stats("zero_shot_described").Sd,
            ["zero_shot_acc_finetuned_names"] = infoNce.Mean("zero_shot_names"),
            ["zero_shot_val"] = locked.Mean("zero_shot_described_val"), ["zero_shot_val_names"] = locked.Mean("zero_shot_names_val"),
            ["zero_shot_val_finetuned"] = infoNce.Mean("zero_shot_described_val"), ["zero_shot_val_finetuned_names"] = infoNce.Mean("zero_shot_names_val"),
            ["locked_minus_finetuned_zero_shot"] = SeedRuns.Compare(locked, infoNce, "zero_shot_described").Mean,
            ["locked_i2t_r1"] = locked.Mean("i2t_r1"), ["locked_t2i_r1"] = locked.Mean("t2i_r1"),
            ["seeds"] = locked.Count, ["tsne_seconds"] = tsneSeconds,
            ["top_layers_step_seconds"] = cost.TopLayersStepSeconds, ["full_finetune_step_seconds"] = cost.FullStepSeconds,
        };
    }

    /// <summary>
    /// States every key result for the runner and the tests (<see cref="Results.Report"/>) without printing them: the
    /// learner reads <see cref="Table"/> instead. Keys ending in "seconds" carry the unit s. Returns how many were stated.
    /// </summary>
    public static int ReportSilently(IReadOnlyDictionary<string, double> results)
    {
        foreach (var (k, v) in results) Results.Report(k, v, k.EndsWith("seconds", StringComparison.Ordinal) ? "s" : null);
        return results.Count;
    }

    /// <summary>
    /// The notebook's results in one small table: per variant, recall@1 both ways and zero-shot accuracy on the test
    /// images of the held-out classes (descriptions, bare names), as means over the seeds of the run; a last row gives
    /// chance.
    /// </summary>
    public static DataFrame Table(SeedRuns before, SeedRuns margin, SeedRuns hadsell, SeedRuns infoNce, SeedRuns locked,
        double chanceR1, int heldOutClasses)
    {
        var v = new[] { before, margin, hadsell, infoNce, locked };
        static string P(double x) => x.ToString("P1", System.Globalization.CultureInfo.InvariantCulture);
        return new DataFrame(
            new StringDataFrameColumn("variant", v.Select(r => r.Name).Append("chance")),
            new Int32DataFrameColumn("seeds", v.Select(r => r.Count).Append(0)),
            new StringDataFrameColumn("image→text R@1", v.Select(r => P(r.Mean("i2t_r1"))).Append(P(chanceR1))),
            new StringDataFrameColumn("text→image R@1", v.Select(r => P(r.Mean("t2i_r1"))).Append(P(chanceR1))),
            new StringDataFrameColumn("zero-shot, descriptions", v.Select(r => P(r.Mean("zero_shot_described"))).Append(P(1.0 / heldOutClasses))),
            new StringDataFrameColumn("zero-shot, names", v.Select(r => P(r.Mean("zero_shot_names"))).Append(P(1.0 / heldOutClasses))));
    }
}
