using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Asks libtorch to put large CPU tensors (2 MB and more) on transparent huge pages, on Linux, by setting its own
/// switch <c>THP_MEM_ALLOC_ENABLE=1</c> (libtorch then advises the kernel with <c>madvise(MADV_HUGEPAGE)</c> for each
/// such block). It changes where tensors live in memory, never what they hold: the 135 key results of the five
/// notebooks' learner run came out identical with and without it (runner, 2026-12-06).
/// <para>
/// Why: a training step frees and re-creates the same large tensors (activations, gradients, Adam's temporaries) every
/// step, and every page the C library hands back to the system must be faulted in again, 4 KB at a time. On the kit's
/// reference VM that fault is slow (10.7 µs per 4 KB, against 0.21 µs per 4 KB on huge pages: tools/Benchmarks
/// page-faults; a step that takes back 190 MB then pays about half a second), and glibc's heaps kept growing and
/// shrinking by hundreds of megabytes over a few steps, in a bare loop too; the trainer's heap trims
/// (<see cref="FreedMemory"/>) had to hold the peak down and cost +8 to +15 % per step. With huge pages the same steps'
/// resident memory stayed flat and lower (tools/Benchmarks memory-trace, 32 steps: notebook 03's tower step 595–631 MB
/// with no trim, against 530–794 MB and a trim every 3–5 steps; a bare loop 603–616 MB against 689–1,053 MB), the
/// trainer was at most 2.5 % slower than a bare loop (vs-pytorch, paired, two runs), and the notebooks' peaks stayed
/// within their budgets (runner, 2026-12-06: learner run 532–1,428 MB, study run 530–1,560 MB).
/// </para>
/// <para>
/// libtorch reads the switch from the C environment at its first allocation, so it is set natively, before libtorch
/// runs anything (<see cref="TorchSharpNativeFix.Apply"/> calls <see cref="Apply"/> first). Not set where the kernel
/// has no transparent huge pages or has them turned off (<c>never</c>), nor when the user set the variable:
/// <c>THP_MEM_ALLOC_ENABLE=0</c> before starting turns it off. Elsewhere than Linux libtorch has no such switch.
/// </para>
/// </summary>
public static class HugePageTensors
{
    public const string Variable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>Where Linux says whether transparent huge pages are used: "always [madvise] never", the choice in brackets.</summary>
    public const string SystemSettingFile = "/sys/kernel/mm/transparent_hugepage/enabled";

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    static string? _message;

    /// <summary>What was decided, in one sentence (for the environment report).</summary>
    public static string Message => _message ?? Apply();

    /// <summary>What to do, from the user's value of <see cref="Variable"/> (null: not set) and the contents of
    /// <see cref="SystemSettingFile"/> (null: no such file). True: set the variable to 1.</summary>
    public static (bool Set, string Message) Decide(string? userValue, string? systemSetting)
    {
        if (!string.IsNullOrWhiteSpace(userValue))
            return (false, $"as set by you: {Variable}={userValue.Trim()} (the kit sets 1 where huge pages are available)");
        if (systemSetting is null)
            return (false, "off: this kernel has no transparent huge pages");
        int open = systemSetting.IndexOf('['), close = systemSetting.IndexOf(']');
        var mode = open >= 0 && close > open ? systemSetting[(open + 1)..close] : systemSetting.Trim();
        if (mode == "never")
            return (false, "off: transparent huge pages are turned off on this machine (never)");
        return (true, $"on: tensors of 2 MB or more ask for huge pages (this machine's setting: {mode})");
    }

    /// <summary>Sets the switch once per process where it helps, unless the user set it; returns what it did.</summary>
    public static string Apply()
    {
        if (_message is not null) return _message;
        if (!OperatingSystem.IsLinux()) return _message = "off: libtorch uses huge pages on Linux only";
        string? setting = null;
        try { setting = File.Exists(SystemSettingFile) ? File.ReadAllText(SystemSettingFile) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        var (set, message) = Decide(System.Environment.GetEnvironmentVariable(Variable), setting);
        if (!set) return _message = message;
        try
        {
            // Overwrite: only reached when the user's value is unset or blank, and a blank one would otherwise stay.
            if (SetEnv(Variable, "1", 1) != 0) return _message = $"off: setting {Variable} failed";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return _message = $"off: this C library cannot set {Variable}; set {Variable}=1 before starting";
        }
        System.Environment.SetEnvironmentVariable(Variable, "1");   // .NET's copy too: child processes inherit it
        return _message = message;
    }
}
