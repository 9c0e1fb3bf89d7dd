using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Caps oneDNN (libtorch's CPU convolution library) at AVX2 instructions on machines whose CPU reports no cache sizes
/// to it, unless the user chose a level (<c>ONEDNN_MAX_CPU_ISA</c> or <c>DNNL_MAX_CPU_ISA</c> set before the process
/// started). Elsewhere oneDNN keeps its AVX-512 kernels, about twice as fast for convolution training.
/// <para>
/// Why (measured 2026-12-06 on the kit's reference VM, AMD EPYC family 26 "Zen 5", AVX-512): that VM answers CPUID
/// leaf 0x8000001D, where AMD CPUs report their caches, with zeros, and the Xbyak inside libtorch 2.10's oneDNN 3.7
/// then takes L1, L2 and L3 to be 1 byte each (<see cref="CpuCacheInfo"/>). Kernels blocked for such caches compute
/// wrong results: the smallest case is the input gradient of a 3×3 convolution with 8 output channels
/// (<c>jit:avx512_core</c> backward data, 8 channels padded to 16), wrong by up to 2 in every repeat, NaN in some, and
/// on two threads different from repeat to repeat (<see cref="ConvGradientCheck"/>) — the decoder head of
/// TrainerDeterminismTests' segmenter, whose seeded runs then differed (25 loss pairs in 40 repeats, one NaN) — and a
/// 1×1 stride-2 channels-last convolution (<c>brgconv_1x1:avx512_core</c>, <see cref="ChannelsLastConvCheck"/>).
/// Under the AVX2 cap both are right, and notebook 02's training step took 0.58 s against 0.38 s uncapped (loaded
/// machine, <c>tools/Benchmarks onednn-options</c>). The cap is not a full cure there: 3×3 convolutions whose output
/// channels are not a multiple of 8 (input gradient) or whose ≥ 8 input channels are not (output) stay wrong under
/// AVX2 (42 of 324 shapes tried); the kit's own networks use multiples of 8. With oneDNN's cache detection changed to
/// "unknown" in a copy of libtorch (oneDNN then uses its default sizes) the same AVX-512 kernels computed all 324
/// shapes, both checks and the seeded runs right, at 0.26 s per step against 0.52 s for AVX2: so on machines that
/// report their caches the kit leaves AVX-512 on. A later VM of the same CPU model computed the channels-last case
/// right 4,000 times; whether its CPUID reported the caches was not recorded.
/// </para>
/// <para>
/// oneDNN reads the variable from the C environment once, at its first convolution, so it must be set natively
/// (.NET's <c>Environment.SetEnvironmentVariable</c> only changes .NET's own copy on Linux) and before libtorch runs
/// anything: <see cref="TorchSharpNativeFix.Apply"/> calls <see cref="Apply"/> first thing. Set
/// <c>ONEDNN_MAX_CPU_ISA=ALL</c> to lift the cap, or <c>AVX2</c> to impose it on any machine.
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

    /// <summary>Whether the cap is needed: when oneDNN would size its kernels for caches that cannot be real.</summary>
    public static bool Needed(CpuCacheInfo.Reading cache) => cache.Broken;

    /// <summary>Sets the cap once per process where it is needed, unless the user set a level; returns what it did.</summary>
    public static string Apply()
    {
        if (_message is not null) return _message;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return _message = "not an x64 CPU: oneDNN's x64 kernels are not used";
        var chosen = System.Environment.GetEnvironmentVariable(Variable) ?? System.Environment.GetEnvironmentVariable(LegacyVariable);
        if (string.Equals(chosen?.Trim(), Cap, StringComparison.OrdinalIgnoreCase))   // e.g. inherited from a kit process that started this one
            return _message = CappedMessage;
        if (!string.IsNullOrWhiteSpace(chosen))
            return _message = $"as set by you: {chosen.Trim()} (the kit caps at {Cap} where the CPU reports no cache sizes; see OneDnnIsaCap)";
        var cache = CpuCacheInfo.Read();
        if (!Needed(cache))
            return _message = $"not capped: oneDNN gets usable cache sizes here ({cache.Message}); {Variable}={Cap} caps it";
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

    static string CappedMessage => $"capped at {Cap} (this CPU reports no cache sizes to oneDNN, whose AVX-512 convolutions were then wrong; {Variable}=ALL lifts it)";
}
