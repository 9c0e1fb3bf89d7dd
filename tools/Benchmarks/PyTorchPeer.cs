using System.Diagnostics;
using System.Text.Json;

namespace Tutorials.Benchmarks;

/// <summary>
/// The PyTorch side of the vs-pytorch benchmark: scripts/benchmarks/vs_pytorch.py, started once and kept waiting
/// on its stdin, so that PyTorch and TorchSharp steps alternate in one process pair and never run at the same time.
/// </summary>
sealed class PyTorchPeer : IDisposable
{
    readonly Process _process;

    public string Version { get; }

    PyTorchPeer(Process process, string version) { _process = process; Version = version; }

    public const string InstallHint =
        "PyTorch was not found, so only TorchSharp was timed. To compare, install it: on Debian/Ubuntu " +
        "`sudo apt-get update && sudo apt-get install -y python3-torch` (or `pip install torch`), or point " +
        "TUTORIALS_PYTHON at a Python that has torch.";

    /// <summary>
    /// Starts the script with the first Python that has torch: TUTORIALS_PYTHON, else python3 on the PATH, else the
    /// system's /usr/bin/python3 (where Debian's python3-torch installs, also when a pyenv or venv python3 comes first).
    /// Null (with the reasons) when none has.
    /// </summary>
    public static PyTorchPeer? TryStart(string script, int threads, int stepsPerRound, out string? why)
    {
        var candidates = System.Environment.GetEnvironmentVariable("TUTORIALS_PYTHON") is { Length: > 0 } p
            ? new[] { p } : new[] { "python3", "/usr/bin/python3" };
        var reasons = new List<string>();
        foreach (var python in candidates.Distinct())
        {
            var peer = TryStart(python, script, threads, stepsPerRound, out var reason);
            if (peer is not null) { why = null; return peer; }
            reasons.Add(reason!);
        }
        why = string.Join("; ", reasons);
        return null;
    }

    static PyTorchPeer? TryStart(string python, string script, int threads, int stepsPerRound, out string? why)
    {
        var psi = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { script, "--threads", threads.ToString(), "--steps", stepsPerRound.ToString() }) psi.ArgumentList.Add(a);
        Process process;
        try { process = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { why = $"cannot start {python}: {e.Message}"; return null; }
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var hello = process.StandardOutput.ReadLine();
        if (hello is null || !hello.StartsWith('{'))
        {
            process.WaitForExit(5000);
            why = $"{python}: {(stderr.ToString().Trim().Split('\n').LastOrDefault() ?? hello ?? "no output")}";
            process.Dispose();
            return null;
        }
        why = null;
        using var doc = JsonDocument.Parse(hello);
        return new PyTorchPeer(process, doc.RootElement.GetProperty("torch").GetString()!);
    }

    /// <summary>Runs one round (the script's steps) of a workload in PyTorch; returns seconds per step.</summary>
    public double Round(string workload)
    {
        _process.StandardInput.WriteLine(workload);
        _process.StandardInput.Flush();
        var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the PyTorch script exited unexpectedly");
        using var doc = JsonDocument.Parse(line);
        if (doc.RootElement.TryGetProperty("error", out var error)) throw new InvalidOperationException($"PyTorch side: {error.GetString()}");
        return doc.RootElement.GetProperty("seconds_per_step").GetDouble();
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("quit");
            _process.StandardInput.Flush();
            if (!_process.WaitForExit(10000)) _process.Kill();
        }
        catch (IOException) { }
        _process.Dispose();
    }
}
