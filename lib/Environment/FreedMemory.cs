using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Hands memory that libtorch has already freed back to the operating system (Linux/glibc: <c>malloc_trim</c>;
/// elsewhere nothing to do). It changes no tensor and no number, only the process's resident memory.
/// <para>
/// Why: TorchSharp's Adam creates per-parameter temporaries every step (√v, √v / c + ε: two copies of the weights).
/// They are disposed at the end of the step, but glibc keeps the freed blocks in its heaps instead of returning them,
/// and on this kit's CPUs the next step does not reuse all of them. Measured on notebook 04's layer4 + classifier
/// (13 M parameters, 14 Adam steps per fine-tune): resident memory grew ~1.1 GB per fine-tune with no tensor left
/// alive (DisposeScopeManager's live count flat), and stayed flat (+~100 MB: weights and gradients) with a trim after
/// every step.
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
            long before = ResidentBytes();
            MallocTrim(0);
            Trims++;
            _residentBeforeTrim = before;
            _residentAfterTrim = ResidentBytes();
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

    static long _residentAfterTrim, _residentBeforeTrim;

    /// <summary>
    /// <see cref="ReturnToSystem"/>, but only when memory has really grown: by more than <paramref name="growthBytes"/>
    /// (default <see cref="Growth"/>) since the last trim <i>and</i> past the level that trim started from by half as
    /// much — or, in any case, by twice <paramref name="growthBytes"/> since the last trim (the ceiling on the peak).
    /// <para>
    /// Why the second condition: a trim hands back pages the next step must fault in again. When memory comes straight
    /// back to where it was before the trim, those pages are the steps' working set (Adam's temporaries, activations),
    /// not waste; trimming them again every step only costs time — measured with tools/Benchmarks vs-pytorch, a trim
    /// after about every step on notebook 02's and 03's steps with the old rule (128 MB since the last trim), the
    /// trainer's whole overhead over a bare loop. Memory that keeps growing past that level (glibc's heap fragmenting,
    /// as in notebook 04's fine-tunes) is still trimmed. Checking costs one read of /proc/self/statm.
    /// </para>
    /// <para>
    /// The price, measured (vs-pytorch, quiet, 2026-12-06, 8 steps × 5 rounds, median of each round's kit ÷ bare): with
    /// this rule the trainer is +13.8 % (notebook 02's step) and +8.4 % (03's) over a bare loop, trimming every 3–5 steps
    /// there (the benchmark's bare loop, which never trims, grows the shared heap between the trainer's rounds); with
    /// <c>TUTORIALS_TRIM_GROWTH_MB=100000</c> (no trims) +0.6 % and +0.9 %, at about 200 MB more resident memory. Trimming
    /// only on runaway growth or once per epoch was tried and trimmed as often in the benchmark. A machine with memory to
    /// spare may set the variable; the notebooks' budgets (1.5 GB learner, 2 GB study) assume the default.
    /// </para>
    /// </summary>
    public static void ReturnToSystemIfGrown(long? growthBytes = null)
    {
        if (_unavailable) return;
        long allowed = growthBytes ?? Growth;
        long resident = ResidentBytes();
        if (resident < 0) { ReturnToSystem(); return; }
        long sinceTrim = resident - _residentAfterTrim;
        bool pastLastPeak = resident > _residentBeforeTrim + allowed / 2;
        if (sinceTrim > allowed && pastLastPeak || sinceTrim > 2 * allowed) ReturnToSystem();
    }

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
