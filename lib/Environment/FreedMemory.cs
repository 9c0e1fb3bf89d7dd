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
            MallocTrim(0);
            _residentAfterTrim = ResidentBytes();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;   // not glibc (e.g. musl): nothing to trim
        }
    }

    /// <summary>Default for <see cref="ReturnToSystemIfGrown"/>: 128 MB.</summary>
    public const long DefaultGrowth = 128L << 20;

    static long _residentAfterTrim;

    /// <summary>
    /// <see cref="ReturnToSystem"/>, but only when resident memory has grown by more than <paramref name="growthBytes"/>
    /// since the last trim. Why not every step: a trim hands pages back that the next step must fault in again; measured
    /// on 2 cores (tools/Benchmarks vs-pytorch, quiet) a trim after every step made a training step 1.9–2.5× slower.
    /// Checking costs one read of /proc/self/statm; the peak stays within <paramref name="growthBytes"/> of the trimmed level.
    /// </summary>
    public static void ReturnToSystemIfGrown(long growthBytes = DefaultGrowth)
    {
        if (_unavailable) return;
        long resident = ResidentBytes();
        if (resident < 0 || resident - _residentAfterTrim > growthBytes) ReturnToSystem();
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
