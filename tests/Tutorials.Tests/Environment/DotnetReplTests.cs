using System.Text.Json;
using System.Text.Json.Nodes;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Environment;

/// <summary>
/// The README's headless path: dotnet-repl runs a notebook the way a learner's own kernel runs it (not only the
/// kit's runner), and the executed notebook shows what a learner should see: the kit's HTML as HTML, and the
/// training progress as one output per training call holding the final state.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DotnetReplTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("kit-repl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    JsonArray RunUnderDotnetRepl(string notebook, string output)
    {
        var result = Repo.Run("dotnet", ["tool", "run", "dotnet-repl", "--run", notebook, "--exit-after-run", "--output-path", output],
            Repo.Notebooks, new Dictionary<string, string> { ["TUTORIALS_MODE"] = "learner" }, timeoutSeconds: 600);
        Assert.True(result.ExitCode == 0, $"dotnet-repl exited {result.ExitCode} (run `dotnet tool restore` first):\n{result.Output}");
        var executed = File.ReadAllText(output);
        Assert.DoesNotContain("\"output_type\": \"error\"", executed);
        return JsonNode.Parse(executed)!["cells"]!.AsArray();
    }

    static IEnumerable<(string Mime, string Text)> Outputs(JsonNode cell) =>
        (cell["outputs"] as JsonArray ?? []).SelectMany(o =>
            o!["data"] is JsonObject data
                ? data.Select(kv => (kv.Key, Text(kv.Value!)))
                : [("stream", Text(o["text"]!))]);

    static string Text(JsonNode node) => node is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : node.GetValue<string>();

    /// <summary>The kit's HTML shown as text: markup escaped inside the kernel's object view, or sent as plain text.</summary>
    static void AssertNoHtmlShownAsText(JsonArray cells)
    {
        foreach (var cell in cells)
            foreach (var (mime, text) in Outputs(cell!))
            {
                Assert.False(text.Contains("dni-plaintext") && text.Contains("&lt;"), $"HTML shown as text ({mime}): {text[..Math.Min(300, text.Length)]}");
                if (mime is "text/plain" or "stream")
                    Assert.False(text.TrimStart().StartsWith("<div") || text.TrimStart().StartsWith("<table"), $"HTML as plain text: {text[..Math.Min(300, text.Length)]}");
            }
    }

    [Fact]
    public void GettingStartedRunsUnderDotnetRepl()
    {
        var output = Path.Combine(_dir, "00.ipynb");
        var cells = RunUnderDotnetRepl("00-getting-started.ipynb", output);
        var executed = File.ReadAllText(output);
        Assert.Contains("Tutorials kit ready", executed);
        Assert.Contains("line_fit_final_loss = ", executed);     // the cell's last value, a key result
        Assert.Contains("<table class=\\\"kit-table\\\">", executed); // the environment report as an HTML table
        AssertNoHtmlShownAsText(cells);
    }

    [Fact]
    public void KitHtmlRendersAndEachTrainingCallLeavesOneProgressOutputWithItsFinalState()
    {
        // A small notebook with the kit's setup cell (the library referenced by its absolute path, since the
        // notebook lives in a temporary folder), an image grid, and a cell that trains twice.
        var setup = NotebookPins.FirstCodeCell(Path.Combine(Repo.Notebooks, "00-getting-started.ipynb"))
            .Replace("../lib/bin/kit/Tutorials.Lib.dll", Repo.LibDll);
        Assert.Contains(Repo.LibDll, setup);
        string[] sources =
        [
            setup,
            "Tutorials.Display.ImagePlots.ImageGrid(TorchSharp.torch.rand(3, 8, 8), new[] { \"a\", \"b\", \"c\" })",
            """
            using TorchSharp;
            using Tutorials.Training;
            using Tutorials.Data;
            Tutorials.Kit.Seed(0);
            var x = torch.randn(64, 4);
            var y = (x[.., 0] > 0).to_type(torch.ScalarType.Int64);
            foreach (var epochs in new[] { 3, 5 })
            {
                var model = torch.nn.Linear(4, 2);
                var optimizer = torch.optim.SGD(model.parameters(), 0.1);
                Trainer.Fit(model, optimizer, new TensorBatches(16, x, y), b => torch.nn.functional.cross_entropy(model.call(b[0]), b[1]),
                    options: new TrainerOptions { Epochs = epochs, Seed = 1, Progress = TrainingProgress.Auto() });
            }
            "trained"
            """,
        ];
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(sources.Select(s => (JsonNode)new JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(),
                ["source"] = s,
            }).ToArray()),
            ["metadata"] = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Notebooks, "00-getting-started.ipynb")))!["metadata"]!.DeepClone(),
            ["nbformat"] = 4, ["nbformat_minor"] = 5,
        };
        var input = Path.Combine(_dir, "kit-html.ipynb");
        File.WriteAllText(input, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

        var cells = RunUnderDotnetRepl(input, Path.Combine(_dir, "kit-html.out.ipynb"));
        AssertNoHtmlShownAsText(cells);

        var grid = Outputs(cells[1]!).ToList();
        Assert.Contains(grid, o => o.Mime == "text/html" && o.Text.Contains("<img"));

        var progress = Outputs(cells[2]!).Where(o => o.Text.Contains("epoch ")).ToList();
        Assert.True(progress.Count == 2, $"expected one progress output per training call (2), got {progress.Count}:\n" +
                                         string.Join("\n", progress.Select(p => p.Text[..Math.Min(200, p.Text.Length)])));
        Assert.All(progress, p => Assert.Equal("text/html", p.Mime));
        Assert.Contains("epoch 3/3", progress[0].Text);              // the final state, not the first frame
        Assert.Contains("epoch 5/5", progress[1].Text);
    }
}
