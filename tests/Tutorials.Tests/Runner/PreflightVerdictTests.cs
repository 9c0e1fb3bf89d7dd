using System.Text.Json.Nodes;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Runner;

/// <summary>
/// The pre-flight's verdict from made-up findings: the runner decides it from a preflight.json alone
/// (<c>--preflight-verdict FILE</c>), so each rule is checked here without starting a kernel.
/// </summary>
public sealed class PreflightVerdictTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("kit-verdict-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly string[] Notebooks = ["00-getting-started", "02-new-input-branch"];

    /// <summary>Findings of a machine that is ready: everything passed, a step twice as slow as the reference's.</summary>
    static JsonObject Ready() => new()
    {
        ["setups"] = new JsonArray(Notebooks.Select(n => (JsonNode)new JsonObject { ["notebook"] = n, ["passed"] = true, ["error"] = null }).ToArray()),
        ["checks"] = new JsonArray(new[] { "ImageNet ResNet weights", "MiniLM weights", "audio encoder weights", "environment report", "calibration" }
            .Select(c => (JsonNode)new JsonObject { ["name"] = c, ["ran"] = true, ["passed"] = true, ["error"] = null }).ToArray()),
        ["environment"] = new JsonObject
        {
            ["TorchSharp native fix"] = "TorchSharp fix already in place (1 file(s) patched earlier).",
            ["oneDNN instruction set"] = "capped at AVX2 (AVX-512 convolution kernels were wrong on a reference CPU; ONEDNN_MAX_CPU_ISA=ALL lifts it)",
            ["channels-last convolution"] = "correct (channels-last vs contiguous 1×1 stride-2 conv 256→512, 14×14: max |difference| 2.4e-6)",
            ["convolution gradient"] = "correct (3×3 conv 8→8, 8×8, batch 4, 20 repeats: identical, max |error| 3.1e-7)",
        },
        ["calibrationSecondsPerStep"] = 1.0,
        ["reference"] = new JsonObject
        {
            ["placeholder"] = false, ["note"] = null, ["measured"] = "2026-12-10", ["machine"] = "the reference machine",
            ["calibrationSecondsPerStep"] = 0.5,
            ["learnerSeconds"] = new JsonObject { ["00-getting-started"] = 9, ["02-new-input-branch"] = 180 },
        },
        ["notebooks"] = new JsonArray(Notebooks.Select(n => (JsonNode)n).ToArray()),
        ["memoryAvailableMB"] = 8000, ["memoryBudgetMB"] = 1536, ["maxMinutesPerNotebook"] = 10, ["seconds"] = 60,
    };

    Repo.ProcessResult Verdict(JsonObject findings)
    {
        var path = Path.Combine(_dir, "preflight.json");
        File.WriteAllText(path, findings.ToJsonString());
        return Repo.Run("dotnet", [Repo.RunnerDll, "--preflight-verdict", path], Repo.Root, new Dictionary<string, string> { ["TUTORIALS_MODE"] = "" });
    }

    static void AssertNotReady(Repo.ProcessResult result)
    {
        Assert.True(result.ExitCode == 4, $"expected exit code 4 (NOT READY), got {result.ExitCode}:\n{result.Output}");
        Assert.Contains("Pre-flight verdict: NOT READY", result.Output);
    }

    [Fact]
    public void AllPassedIsReadyWithEachNotebooksExpectedMinutesScaledByTheCalibration()
    {
        var result = Verdict(Ready());

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("Pre-flight verdict: READY", result.Output);
        // A step takes 1.0 s here and 0.5 s on the reference machine: each notebook twice its reference time.
        Assert.Contains("a calibration step took 1.00 s here, 0.50 s on the reference machine: 2.0×", result.Output);
        Assert.Contains("00-getting-started 0.3 · 02-new-input-branch 6.0", result.Output);
        Assert.DoesNotContain("✗", result.Output);
        Assert.DoesNotContain("placeholders", result.Output);
    }

    [Fact]
    public void AFailedSetupCellIsNotReadyNamingTheNotebookTheErrorAndTheChecksNotRun()
    {
        var f = Ready();
        f["setups"]![1]!["passed"] = false;
        f["setups"]![1]!["error"] = "error NU1301: Unable to load the service index for source https://api.nuget.org/v3/index.json.\nmore detail";
        foreach (var c in f["checks"]!.AsArray()) { c!["ran"] = false; c["passed"] = false; }
        f["calibrationSecondsPerStep"] = null;

        var result = Verdict(f);

        AssertNotReady(result);
        Assert.Contains("02-new-input-branch: its first cell (packages and Kit.Setup()) failed in a fresh kernel: error NU1301: Unable to load the service index", result.Output);
        Assert.DoesNotContain("more detail", result.Output);                  // the first line of the error only
        Assert.Contains("check that the NuGet feed answers", result.Output);  // what to do
        Assert.Contains("not checked, because the setup cell before them failed: ImageNet ResNet weights, MiniLM weights", result.Output);
        Assert.Contains("expected minutes per notebook: unknown", result.Output);
    }

    [Fact]
    public void AFailedWeightsCheckIsNotReadyAndNamed()
    {
        var f = Ready();
        f["checks"]![2]!["passed"] = false;
        f["checks"]![2]!["error"] = "System.IO.InvalidDataException: 'data/pretrained/audio-encoder.dat' has SHA-256 abc, expected db6c…";

        var result = Verdict(f);

        AssertNotReady(result);
        Assert.Contains("audio encoder weights failed: System.IO.InvalidDataException: 'data/pretrained/audio-encoder.dat' has SHA-256 abc", result.Output);
    }

    [Fact]
    public void AMachineTooSlowForTheSessionIsNotReadyNamingTheNotebookAndTheSlowdown()
    {
        var f = Ready();
        f["calibrationSecondsPerStep"] = 2.0;    // 4× the reference: notebook 02 would take 12 min, over 10

        var result = Verdict(f);

        AssertNotReady(result);
        Assert.Contains("02-new-input-branch (~12 min) would take longer than the 10 min a notebook may take (--max-minutes)", result.Output);
        Assert.Contains("4.0× as long here as on the reference machine", result.Output);
        Assert.DoesNotContain("00-getting-started (~", result.Output);

        f["maxMinutesPerNotebook"] = 15;          // a longer session slot: the same machine is ready
        Assert.Equal(0, Verdict(f).ExitCode);
    }

    [Fact]
    public void TooLittleFreeMemoryIsNotReady()
    {
        var f = Ready();
        f["memoryAvailableMB"] = 1200;

        var result = Verdict(f);

        AssertNotReady(result);
        Assert.Contains("only 1200 MB of memory is available now, and one notebook may use up to 1536 MB", result.Output);
        Assert.Contains("Close other programs", result.Output);
    }

    [Fact]
    public void AWrongChannelsLastConvolutionAndPlaceholderReferencesAreNotesNotBlockers()
    {
        var f = Ready();
        f["environment"]!["channels-last convolution"] = "wrong on this CPU (…) — the kit converts inputs to contiguous; your own code should call .contiguous()";
        f["reference"]!["placeholder"] = true;

        var result = Verdict(f);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("note: channels-last convolution is wrong on this CPU", result.Output);
        Assert.Contains("note: the reference timings are placeholders", result.Output);
    }

    [Fact]
    public void AWrongConvolutionGradientIsNotReadyWithTheRemedy()
    {
        var f = Ready();
        f["environment"]!["convolution gradient"] = "wrong (3×3 conv 8→8, 8×8, batch 4, 20 repeats: 19 differed from the first, 2 had NaN, max |error| of the others 1.95)";

        var result = Verdict(f);

        AssertNotReady(result);
        Assert.Contains("the convolution gradient check is wrong", result.Output);
        Assert.Contains("ONEDNN_MAX_CPU_ISA=AVX2", result.Output);
    }

    [Fact]
    public void AMissingNativeFixIsNotReady()
    {
        var f = Ready();
        f["environment"]!["TorchSharp native fix"] = "TorchSharp fix needed but no libLibTorchSharp.so was found next to TorchSharp.dll or in the NuGet cache; run 'dotnet restore'.";

        var result = Verdict(f);

        AssertNotReady(result);
        Assert.Contains("TorchSharp's native library cannot be made loadable here", result.Output);
    }

    [Fact]
    public void AMissingFindingsFileIsAUsageErrorSayingWhatToRun()
    {
        var result = Repo.Run("dotnet", [Repo.RunnerDll, "--preflight-verdict", Path.Combine(_dir, "nope.json")], Repo.Root);
        Assert.Equal(64, result.ExitCode);
        Assert.Contains("no findings at", result.Output);
        Assert.Contains("run the pre-flight first (--preflight)", result.Output);
    }
}
