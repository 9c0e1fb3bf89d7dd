using System.Collections.Concurrent;
using System.Text.Json;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Notebooks;

/// <summary>
/// Runs notebooks in the learner size (the default) through the kit's own runner (one fresh kernel process each), each at most once
/// per test run, on first request. Tests in the "smoke run" collection run one after another, and xunit.runner.json
/// turns off parallel collections, so a notebook's kernel never competes with other tests for the CPU cores.
/// </summary>
public sealed class SmokeRun
{
    readonly ConcurrentDictionary<string, Lazy<(Repo.ProcessResult Result, JsonElement? Entry, string OutDir)>> _runs = new();

    public (Repo.ProcessResult Result, JsonElement? Entry, string OutDir) Run(string notebook) =>
        _runs.GetOrAdd(notebook, nb => new Lazy<(Repo.ProcessResult, JsonElement?, string)>(() =>
        {
            var outDir = Directory.CreateTempSubdirectory("kit-smoke-").FullName;
            var result = Repo.RunNotebooks("learner", outDir, Path.Combine(Repo.Notebooks, nb));
            var summaryPath = Path.Combine(outDir, "summary.json");
            JsonElement? entry = File.Exists(summaryPath)
                ? JsonDocument.Parse(File.ReadAllText(summaryPath)).RootElement.GetProperty("notebooks")[0].Clone()
                : null;
            return (result, entry, outDir);
        })).Value;

    /// <summary>The key results the notebook reported; fails the test with the runner's output if it did not pass.</summary>
    public IReadOnlyDictionary<string, double> ResultsOf(string notebook)
    {
        var (result, entry, _) = Run(notebook);
        Assert.True(entry is not null, $"{notebook} produced no summary. Runner output:\n{result.Output}");
        var e = entry!.Value;
        Assert.True(e.GetProperty("status").GetString() == "passed",
            $"{notebook} failed at cell {e.GetProperty("failedCell")}: {e.GetProperty("error")}\nRunner output:\n{result.Output}");
        Assert.Equal(0, result.ExitCode);
        return e.GetProperty("results").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }
}

[CollectionDefinition("smoke run")]
public class SmokeRunCollection : ICollectionFixture<SmokeRun>;

[Collection("smoke run"), Trait("Category", "Notebook")]
public class NotebookSmokeTests(SmokeRun run)
{
    public static TheoryData<string> AllNotebooks() => NotebookHygieneTests.AllNotebooks();

    [Theory, MemberData(nameof(AllNotebooks))]
    public void RunsTopToBottomAndReportsKeyResults(string notebook)
    {
        Assert.NotEmpty(run.ResultsOf(notebook));                       // every notebook states at least one key result
        var (_, _, outDir) = run.Run(notebook);
        Assert.True(File.Exists(Path.Combine(outDir, Path.ChangeExtension(notebook, ".html"))));
        Assert.True(File.Exists(Path.Combine(outDir, notebook)));
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

/// <summary>
/// The fast inner loop (`dotnet test --filter "Category!=Notebook&amp;Category!=Slow"`, CONTRIBUTING.md) stays fast only
/// if every test that waits for a notebook smoke run carries the Notebook category.
/// </summary>
public class SmokeRunTierTests
{
    [Fact]
    public void EveryClassInTheSmokeRunCollectionIsInTheNotebookCategory()
    {
        static string? Arg(Type t, Type attribute, int index) => t.GetCustomAttributesData()
            .Where(a => a.AttributeType == attribute).Select(a => a.ConstructorArguments[index].Value as string)
            .FirstOrDefault(v => v is not null);
        var smokeRunClasses = typeof(SmokeRun).Assembly.GetTypes()
            .Where(t => Arg(t, typeof(CollectionAttribute), 0) == "smoke run").ToList();
        Assert.Contains(typeof(NotebookSmokeTests), smokeRunClasses);
        var unmarked = smokeRunClasses.Where(t => !t.GetCustomAttributesData().Any(a => a.AttributeType == typeof(TraitAttribute)
            && (string?)a.ConstructorArguments[0].Value == "Category" && (string?)a.ConstructorArguments[1].Value == "Notebook")).ToList();
        Assert.True(unmarked.Count == 0,
            $"{string.Join(", ", unmarked.Select(t => t.Name))} run(s) notebooks (collection \"smoke run\") but lack [Trait(\"Category\", \"Notebook\")]; " +
            "add it, or the unit tier will run notebooks.");
    }
}
