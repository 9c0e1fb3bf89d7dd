namespace Tutorials.Tests.Notebooks;

[Collection("smoke run")]
[Trait("Category", "Notebook")]
public class Notebook04Tests(SmokeRun run)
{
    const string Notebook = "04-outputs-and-weights.ipynb";

    [Fact]
    public void ProbabilityAveragingIsAtLeastAsGoodAsTheWeakerMember()
    {
        var r = run.ResultsOf(Notebook);
        double weaker = Math.Min(r["image_acc"], r["audio_acc"]);
        Assert.True(r["ensemble_acc"] >= weaker, $"ensemble {r["ensemble_acc"]:0.000} should be ≥ the weaker member ({weaker:0.000})");
        Assert.True(r["image_acc"] > 0.2 && r["audio_acc"] > 0.2, "each member should be well above chance (0.1)");
        foreach (var key in new[] { "weighted_ensemble_acc", "stacking_acc", "fused_concat_acc", "student_distilled_acc", "student_hard_acc" })
            Assert.InRange(r[key], 0.2, 1.0);
    }

    [Fact]
    public void WeightAveragingEndpointsReproduceTheFineTunedModelsExactly()
    {
        var r = run.ResultsOf(Notebook);
        // θ = (1 − α)·θ₁ + α·θ₂ with α = 0 / 1 is θ₁ / θ₂ bit for bit, and BatchNorm is re-measured the same way for all.
        Assert.Equal(r["finetuned1_acc"], r["avg_alpha0_acc"]);
        Assert.Equal(r["finetuned2_acc"], r["avg_alpha1_acc"]);
        Assert.InRange(r["avg_alpha05_acc"], 0.0, 1.0);
        Assert.InRange(r["random_start_alpha05_acc"], 0.0, 1.0);
    }

    [Fact]
    public void DistillationVerdictIsReportedHonestly()
    {
        var r = run.ResultsOf(Notebook);
        bool won = r["student_distilled_acc"] > r["student_hard_acc"];
        Assert.Equal(won ? 1.0 : 0.0, r["distillation_won"]);
        // The notebook's text must say what happened, whichever way it went.
        var (_, _, outDir) = run.Run(Notebook);
        var executed = File.ReadAllText(Path.Combine(outDir, Notebook));
        Assert.Contains(won ? "Verdict: distillation won" : "Verdict: distillation did not win", executed);
    }
}
