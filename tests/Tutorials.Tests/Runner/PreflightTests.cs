using System.Text.Json;
using Tutorials.Environment;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Runner;

/// <summary>
/// The instructor's pre-flight end to end, then the promise it makes: afterwards a notebook runs with no network.
/// A fresh HOME stands for a laptop that never ran the kit (no kernel restore cache, no converted weights); the NuGet
/// cache is the machine's own (the packages are already there, as after the pre-flight's online restore).
/// </summary>
[Trait("Category", "Slow")]
public sealed class PreflightTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("kit-preflight-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static string NuGetPackages =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    Dictionary<string, string> Machine(string home, string packages) => new()
    {
        ["HOME"] = home, ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"), ["TUTORIALS_CACHE"] = "",
        ["NUGET_PACKAGES"] = packages,
        ["TUTORIALS_MODE"] = "",   // as if unset: the learner run
    };

    /// <summary>No network: no package source at all (the restore behind #r "nuget: …" reads RestoreConfigFile from the
    /// environment), and any HTTP(S) request goes to a closed port.</summary>
    Dictionary<string, string> Offline(Dictionary<string, string> machine)
    {
        var config = Path.Combine(_dir, "no-sources.config");
        File.WriteAllText(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /></packageSources></configuration>
            """);
        var dead = "http://127.0.0.1:9";
        return new Dictionary<string, string>(machine)
        {
            ["RestoreConfigFile"] = config,
            ["HTTP_PROXY"] = dead, ["HTTPS_PROXY"] = dead, ["http_proxy"] = dead, ["https_proxy"] = dead, ["NO_PROXY"] = "", ["no_proxy"] = "",
        };
    }

    [Fact]
    public void PreflightMakesTheMachineReadyAndAfterwardsNotebook00RunsWithoutNetwork()
    {
        var home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
        var machine = Machine(home, NuGetPackages);
        var outDir = Path.Combine(_dir, "preflight");

        // --max-minutes: this test checks the machinery, not whether a shared test machine is fast enough today.
        var preflight = Repo.Run("dotnet", [Repo.RunnerDll, "--preflight", "--max-minutes", "100000", "--out", outDir], Repo.Root, machine, timeoutSeconds: 900);

        Assert.True(preflight.ExitCode == 0, preflight.Output);
        Assert.Contains("Pre-flight verdict: READY", preflight.Output);
        Assert.Matches(@"expected minutes per notebook here, learner run .*\n\s+00-getting-started \d+(\.\d)? · 01-feature-concatenation", preflight.Output);
        using (var findings = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "preflight.json"))))
        {
            var root = findings.RootElement;
            Assert.All(root.GetProperty("setups").EnumerateArray(), s => Assert.True(s.GetProperty("passed").GetBoolean(), s.ToString()));
            Assert.Equal(["ImageNet ResNet weights", "MiniLM weights", "audio encoder weights", "environment report", "calibration"],
                root.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
            Assert.All(root.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
            Assert.True(root.GetProperty("calibrationSecondsPerStep").GetDouble() > 0);
            Assert.Equal(OneDnnIsaCap.Message, root.GetProperty("environment").GetProperty("oneDNN instruction set").GetString());   // inherited or decided alike
        }
        var cache = Path.Combine(home, ".cache", "torchsharp-tutorials");
        Assert.True(Directory.GetFiles(cache, "imagenet-resnet18-*.dat").Length == 1 && Directory.GetFiles(cache, "minilm-*.dat").Length == 1,
            $"the pre-flight should have converted both packaged weights into {cache}");

        // Afterwards, offline: the notebook's kernel restores and runs from what the pre-flight left behind.
        var run = Repo.RunNotebooks("", Path.Combine(_dir, "offline"), ["00"], [], Offline(machine));
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("1 passed, 0 failed", run.Output);

        // The same offline setting on a machine whose NuGet cache is empty fails at the restore: it really is offline.
        var bare = Directory.CreateDirectory(Path.Combine(_dir, "bare-home")).FullName;
        var control = Repo.RunNotebooks("", Path.Combine(_dir, "control"), ["00"], [],
            Offline(Machine(bare, Directory.CreateDirectory(Path.Combine(_dir, "empty-packages")).FullName)));
        Assert.NotEqual(0, control.ExitCode);
        Assert.Contains("NU1101", control.Output);
    }
}
