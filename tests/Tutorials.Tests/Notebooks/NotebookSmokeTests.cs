using System.Text.Json;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Notebooks;

/// <summary>Runs every notebook once, in smoke mode, through the kit's own runner (one fresh kernel each).</summary>
public sealed class SmokeRun
{
    public string OutDir { get; } = Directory.CreateTempSubdirectory("kit-smoke-").FullName;
    public Repo.ProcessResult Result { get; }
    public Dictionary<string, JsonElement> Entries { get; } = new();

    public SmokeRun()
    {
        Result = Repo.RunNotebooks("smoke", OutDir);
        var summaryPath = Path.Combine(OutDir, "summary.json");
        if (!File.Exists(summaryPath)) return;
        var summary = JsonDocument.Parse(File.ReadAllText(summaryPath));
        foreach (var nb in summary.RootElement.GetProperty("notebooks").EnumerateArray())
            Entries[nb.GetProperty("notebook").GetString()!] = nb;
    }

    public IReadOnlyDictionary<string, double> ResultsOf(string notebook)
    {
        Assert.True(Entries.TryGetValue(notebook, out var e), $"{notebook} was not run. Runner output:\n{Result.Output}");
        Assert.True(e.GetProperty("status").GetString() == "passed",
            $"{notebook} failed at cell {e.GetProperty("failedCell")}: {e.GetProperty("error")}");
        return e.GetProperty("results").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }
}

[CollectionDefinition("smoke run")]
public class SmokeRunCollection : ICollectionFixture<SmokeRun>;

[Collection("smoke run")]
public class NotebookSmokeTests(SmokeRun run)
{
    [Fact]
    public void EveryNotebookRanAndPassed()
    {
        var all = Directory.GetFiles(Repo.Notebooks, "*.ipynb").Select(Path.GetFileName).ToList();
        Assert.True(run.Result.ExitCode == 0, run.Result.Output);
        Assert.Equal(all.OrderBy(x => x), run.Entries.Keys.OrderBy(x => x));
        foreach (var nb in all)
        {
            Assert.NotEmpty(run.ResultsOf(nb!));                        // every notebook states at least one key result
            Assert.True(File.Exists(Path.Combine(run.OutDir, Path.ChangeExtension(nb!, ".html"))));
        }
    }

    [Fact]
    public void GettingStarted()
    {
        var r = run.ResultsOf("00-getting-started.ipynb");
        Assert.InRange(r["autograd_grad_abs_error"], 0, 1e-4);           // autograd equals the hand-derived gradient
        Assert.InRange(r["line_fit_w"], 1.9, 2.1);                       // the fitted line is the true one (w = 2, b = 0.5)
        Assert.InRange(r["line_fit_b"], 0.4, 0.6);
        Assert.InRange(r["line_fit_final_loss"], 0, 0.02);               // noise variance is 0.01
    }
}
