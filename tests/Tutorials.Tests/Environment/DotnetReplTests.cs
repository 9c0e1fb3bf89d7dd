using Tutorials.Tests.Support;

namespace Tutorials.Tests.Environment;

/// <summary>00 also runs under dotnet-repl, the way a learner's own kernel runs it (not only under the kit's runner).</summary>
[Trait("Category", "Slow")]
public sealed class DotnetReplTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("kit-repl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void GettingStartedRunsUnderDotnetRepl()
    {
        var output = Path.Combine(_dir, "00.ipynb");
        var result = Repo.Run("dotnet", ["tool", "run", "dotnet-repl", "--run", "00-getting-started.ipynb", "--exit-after-run", "--output-path", output],
            Repo.Notebooks, new Dictionary<string, string> { ["TUTORIALS_MODE"] = "smoke" }, timeoutSeconds: 600);
        Assert.True(result.ExitCode == 0, $"dotnet-repl exited {result.ExitCode} (run `dotnet tool restore` first):\n{result.Output}");
        var executed = File.ReadAllText(output);
        Assert.Contains("Tutorials kit ready", executed);
        Assert.Contains("line_fit_final_loss = ", executed);     // the cell's last value, a key result
        Assert.DoesNotContain("\"output_type\": \"error\"", executed);
    }
}
