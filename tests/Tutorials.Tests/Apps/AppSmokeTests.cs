using System.Diagnostics;
using Tutorials.Tests.Notebooks;
using Tutorials.Tests.Support;
using Tutorials.Environment;

namespace Tutorials.Tests.Apps;

/// <summary>
/// Notebooks 00 and 01 run as file-based apps (<c>TUTORIALS_MODE=learner dotnet run notebooks/apps/NN-….cs</c>), as a learner
/// without a notebook front end would run them, and report the same key results as the notebook's own smoke run.
/// In the "smoke run" collection: never at the same time as a notebook run.
/// </summary>
[Collection("smoke run"), Trait("Category", "Notebook")]
public class AppSmokeTests(SmokeRun notebooks)
{
    /// <summary>
    /// Same code, same seeds, same libtorch: the numbers should agree to float rounding. Accuracies over a few hundred
    /// examples move in steps of 1/300 or more, so a different seed or data order would break this; timings are not compared.
    /// </summary>
    const double Tolerance = 1e-4;

    [Theory]
    [InlineData("00-getting-started.ipynb", 1)]
    [InlineData("01-feature-concatenation.ipynb", 5)]
    public void RunsAsAnAppWithTheNotebooksKeyResults(string notebook, int chartFiles)
    {
        var expected = notebooks.ResultsOf(notebook);
        var (app, seconds, results, outputFolder) = RunApp(notebook);

        Assert.Equal(expected.Keys.Order(), results.Keys.Order());
        foreach (var (name, value) in expected)
        {
            if (name.EndsWith("_seconds")) { Assert.True(results[name] > 0, $"{app}: {name} = {results[name]}"); continue; }
            Assert.True(Math.Abs(results[name] - value) <= Tolerance,
                $"{app}: {name} = {results[name]} as an app, {value} in the notebook (tolerance {Tolerance}); app run took {seconds:0} s");
        }
        // the notebook's charts and image grids, as standalone pages
        var pages = Directory.GetFiles(outputFolder, "*.html");
        Assert.True(pages.Length == chartFiles, $"{app} wrote {pages.Length} HTML files to {outputFolder}, expected {chartFiles}");
        foreach (var page in pages)
        {
            var html = File.ReadAllText(page);
            Assert.True(html.Contains("Plotly.newPlot") || html.Contains("data:image/png;base64,"), $"{page} holds neither a chart nor an image");
            if (html.Contains("Plotly.newPlot")) Assert.Contains("plotly.js v", html);   // the library itself is in the page: it opens offline
        }
    }

    static (string App, double Seconds, Dictionary<string, double> Results, string OutputFolder) RunApp(string notebook)
    {
        var app = Path.GetRelativePath(Repo.Root, AppsTool.AppOf(notebook));
        var resultsFile = Path.Combine(Directory.CreateTempSubdirectory("kit-app-").FullName, "results.jsonl");
        var clock = Stopwatch.StartNew();
        var run = Repo.Run("dotnet", ["run", app], Repo.Root,
            new Dictionary<string, string> { ["TUTORIALS_MODE"] = "learner", ["TUTORIALS_RESULTS_FILE"] = resultsFile }, timeoutSeconds: 900);
        Assert.True(run.ExitCode == 0, $"`TUTORIALS_MODE=learner dotnet run {app}` failed:\n{run.Output}");
        var results = new Dictionary<string, double>();
        foreach (var line in File.ReadLines(resultsFile))
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            results[doc.RootElement.GetProperty("name").GetString()!] = doc.RootElement.GetProperty("value").GetDouble();
        }
        var outputFolder = Path.Combine(AppsTool.AppsFolder, "output", Path.GetFileNameWithoutExtension(notebook));
        return (app, clock.Elapsed.TotalSeconds, results, outputFolder);
    }
}
