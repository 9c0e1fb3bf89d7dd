using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Caps oneDNN (libtorch's CPU convolution library) at AVX2 instructions unless the user chose a level
/// (<c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c> set before the process started).
/// <para>
/// Why: on this kit's reference CPU (AMD EPYC family 26 "Zen 5", AVX-512) libtorch 2.10's oneDNN AVX-512 kernels
/// are wrong in two ways, both gone with the cap (measured 2026-12-02): a 1×1 stride-2 channels-last convolution
/// differs from the contiguous one by up to 1.9 (see <see cref="ChannelsLastConvCheck"/>), and a seeded two-thread
/// training run of a small RGB-D segmenter gave 25 different losses in 40 repeats, one of them NaN (the AVX2 kernels:
/// the same loss 40 times out of 40). On a CPU without AVX-512 the cap changes nothing. The cost: on AVX-512 CPUs
/// where oneDNN is right, convolutions may run somewhat slower; set <c>ONEDNN_MAX_CPU_ISA=ALL</c> to lift the cap.
/// </para>
/// <para>
/// oneDNN reads the variable from the C environment once, at its first convolution, so it must be set natively
/// (.NET's <c>Environment.SetEnvironmentVariable</c> only changes .NET's own copy on Linux) and before libtorch runs
/// anything: <see cref="TorchSharpNativeFix.Apply"/> calls <see cref="Apply"/> first thing.
/// </para>
/// </summary>
public static class OneDnnIsaCap
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";
    const string LegacyVariable = "DNNL_MAX_CPU_ISA";
    public const string Cap = "AVX2";

    [DllImport("libc.so.6", EntryPoint = "setenv")]
    static extern int SetEnv(string name, string value, int overwrite);

    [DllImport("ucrtbase.dll", EntryPoint = "_putenv_s", CharSet = CharSet.Ansi)]
    static extern int PutEnvS(string name, string value);

    static string? _message;

    /// <summary>What was decided, in one sentence (for the environment report).</summary>
    public static string Message => _message ?? Apply();

    /// <summary>Sets the cap once per process, unless the user set a level; returns what it did.</summary>
    public static string Apply()
    {
        if (_message is not null) return _message;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return _message = "not an x64 CPU: oneDNN's x64 kernels are not used";
        var chosen = System.Environment.GetEnvironmentVariable(Variable) ?? System.Environment.GetEnvironmentVariable(LegacyVariable);
        if (string.Equals(chosen?.Trim(), Cap, StringComparison.OrdinalIgnoreCase))   // e.g. inherited from a kit process that started this one
            return _message = CappedMessage;
        if (!string.IsNullOrWhiteSpace(chosen))
            return _message = $"as set by you: {chosen.Trim()} (the kit caps at {Cap} by default; see OneDnnIsaCap)";
        try
        {
            int status = OperatingSystem.IsWindows() ? PutEnvS(Variable, Cap) : SetEnv(Variable, Cap, 0);
            if (status != 0) return _message = $"not capped: setting {Variable} failed (status {status})";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return _message = $"not capped: this C library cannot set {Variable}; set {Variable}={Cap} before starting";
        }
        System.Environment.SetEnvironmentVariable(Variable, Cap); // .NET's copy too: child processes inherit it
        return _message = CappedMessage;
    }

    static string CappedMessage => $"capped at {Cap} (AVX-512 convolution kernels were wrong on a reference CPU; {Variable}=ALL lifts it)";
}
