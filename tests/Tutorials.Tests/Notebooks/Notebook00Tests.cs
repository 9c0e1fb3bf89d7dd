using Tutorials.Tests.Support;

namespace Tutorials.Tests.Notebooks;

/// <summary>What notebook 00 says beyond the key results NotebookSmokeTests.GettingStarted checks.</summary>
[Collection("smoke run")]
[Trait("Category", "Notebook")]
public class Notebook00Tests(SmokeRun run)
{
    const string Notebook = "00-getting-started.ipynb";

    /// <summary>
    /// "One step of gradient descent … the loss before and after": from w = 0.5 with learning rate 0.01 the step lands on
    /// w = 2 (gradient −150), so the sum of squares falls from 187.5 to 30 exactly; no randomness is involved.
    /// </summary>
    [Fact]
    public void OneGradientStepLowersTheLoss()
    {
        var r = run.ResultsOf(Notebook);
        Assert.InRange(r["one_step_loss_before"], 187.49, 187.51);
        Assert.InRange(r["one_step_loss_after"], 29.99, 30.01);
    }
}

/// <summary>Notebook 00's text, read from the committed file (no kernel: unit tier).</summary>
public class Notebook00TextTests
{
    const string Notebook = "00-getting-started.ipynb";

    /// <summary>The opening screen tells a newcomer what to run and what to expect, and leaves libtorch's faults to the README.</summary>
    [Fact]
    public void TheFirstScreenSaysWhatToRunAndWhatToExpect()
    {
        var opening = OpeningMarkdown();
        foreach (var phrase in new[] { "dotnet build lib", "1.25 GB", "~/.cache/torchsharp-tutorials", "Kit.Setup(size: \"learner\")",
                     "\"study\"", "notebooks/apps/", "deprecated" })
            Assert.True(opening.Contains(phrase, StringComparison.Ordinal), $"00's first cell should mention {phrase}");
        foreach (var fault in new[] { "AVX-512", "channels-last", "miscomput", "TorchSharp-cpu" })
            Assert.False(opening.Contains(fault, StringComparison.OrdinalIgnoreCase), $"00's first cell should not mention {fault}");
        var all = AllText();
        Assert.DoesNotContain("TorchSharp-cpu", all);            // the kit pins TorchSharp + libtorch-cpu-<rid>
        Assert.Contains("libtorch-cpu-<rid>", all);
    }

    internal static string AllText() => File.ReadAllText(Path.Combine(Repo.Notebooks, Notebook));

    internal static string OpeningMarkdown()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(AllText());
        var first = doc.RootElement.GetProperty("cells")[0];
        return string.Concat(first.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
    }
}
