using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Hands memory that libtorch has already freed back to the operating system (Linux/glibc: <c>malloc_trim</c>;
/// elsewhere nothing to do). It changes no tensor and no number, only the process's resident memory.
/// <para>
/// Why: TorchSharp's Adam creates per-parameter temporaries every step (√v, √v / c + ε: two copies of the weights).
/// They are disposed at the end of the step, but glibc keeps the freed blocks in its heaps instead of returning them,
/// and the next step does not reuse all of them. Measured on notebook 04's layer4 + classifier (13 M parameters, 14
/// Adam steps per fine-tune, before <see cref="HugePageTensors"/>): resident memory grew ~1.1 GB per fine-tune with
/// no tensor left alive (DisposeScopeManager's live count flat), and stayed flat (+~100 MB: weights and gradients)
/// with a trim after every step. The trainer trims only when memory has outgrown the steps' working set
/// (<see cref="ReturnToSystemIfGrown"/>); code that has just freed a lot at once (a feature cache's activations, a
/// fine-tune) calls <see cref="ReturnToSystem"/>.
/// </para>
/// </summary>
public static class FreedMemory
{
    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Returns freed heap memory to the OS where the C library supports it; a no-op otherwise.</summary>
    public static void ReturnToSystem()
    {
        if (_unavailable) return;
        try
        {
            MallocTrim(0);
            Trims++;
            _workingSet = -1;   // the next check measures what the steps take back
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;   // not glibc (e.g. musl): nothing to trim
        }
    }

    /// <summary>Default for <see cref="ReturnToSystemIfGrown"/>: 128 MB.</summary>
    public const long DefaultGrowth = 128L << 20;

    /// <summary>
    /// The growth <see cref="ReturnToSystemIfGrown"/> allows when not given one: <see cref="DefaultGrowth"/>, or
    /// <c>TUTORIALS_TRIM_GROWTH_MB</c> when set (read once; for measuring the trade of speed for memory, e.g. by the
    /// benchmarks; a larger value trims less often and lets the peak rise by up to that much).
    /// </summary>
    public static long Growth { get; } = GrowthFromEnvironment();

    /// <summary>How many trims this process has done (the benchmarks print it per step).</summary>
    public static int Trims { get; private set; }

    static long GrowthFromEnvironment()
    {
        var text = System.Environment.GetEnvironmentVariable("TUTORIALS_TRIM_GROWTH_MB");
        if (string.IsNullOrWhiteSpace(text)) return DefaultGrowth;
        if (!long.TryParse(text.Trim(), out long mb) || mb < 0)
            throw new ArgumentException(
                $"TUTORIALS_TRIM_GROWTH_MB must be a whole number of megabytes ≥ 0, got '{text}'. Unset it for the default (128).");
        return mb << 20;
    }

    /// <summary>Resident memory at the first check after the last trim (−1: not measured since): the working set.</summary>
    static long _workingSet = -1;

    /// <summary>
    /// <see cref="ReturnToSystem"/>, but only when memory has grown past what the steps need: the first check after a
    /// trim (or the first ever) measures the <i>working set</i> — the resident memory one step took back — and later
    /// checks trim when memory exceeds it by more than <paramref name="growthBytes"/> (default <see cref="Growth"/>).
    /// The trainer checks after every step; checking costs one read of /proc/self/statm.
    /// <para>
    /// Why the working set: a trim hands back every freed page, and the next step faults the ones it needs in again
    /// (activations, gradients, Adam's temporaries). The rule before this one counted growth from the level right
    /// after the trim, so it took those pages for waste, and memory's ordinary step-to-step swing set off a trim every
    /// 3–5 steps on notebooks 02's and 03's steps (tools/Benchmarks memory-trace); each cost about half a step on the
    /// reference VM, whose page faults are slow — the trainer's whole overhead over a bare loop (+13.8 % and +8.4 %).
    /// Memory that keeps growing past the working set (glibc's heaps fragmenting) is still trimmed, so the peak stays
    /// within the working set plus the allowance. Measured with large tensors on huge pages
    /// (<see cref="HugePageTensors"/>, which also keeps those steps' memory flat), quiet, 2026-12-06 (vs-pytorch,
    /// 9 rounds × 8 steps, two runs): one trim in 72 steps on each workload, and the trainer at most 2.5 % slower than
    /// a bare loop (paired: −4.4 % and +2.5 % on 02's step, +0.1 % and +1.3 % on 03's).
    /// A machine with memory to spare may raise the allowance with <c>TUTORIALS_TRIM_GROWTH_MB</c>; the notebooks'
    /// budgets (1.5 GB learner, 2 GB study) assume the default.
    /// </para>
    /// </summary>
    public static void ReturnToSystemIfGrown(long? growthBytes = null)
    {
        if (_unavailable) return;
        long allowed = growthBytes ?? Growth;
        long resident = ResidentBytes();
        if (resident < 0) { ReturnToSystem(); return; }
        (bool trim, _workingSet) = Rule(resident, _workingSet, allowed);
        if (trim) ReturnToSystem();
    }

    /// <summary>
    /// <see cref="ReturnToSystemIfGrown"/>'s rule without reading memory: from the resident bytes now, the working set
    /// (−1: not measured since the last trim) and the allowance, whether to trim and the working set to keep.
    /// </summary>
    internal static (bool Trim, long WorkingSet) Rule(long resident, long workingSet, long allowed) =>
        workingSet < 0 ? (false, resident) : (resident > workingSet + allowed, workingSet);

    /// <summary>Resident bytes of this process from /proc/self/statm (second field, in pages); −1 if unreadable.</summary>
    static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1]) * System.Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }
}
