using System.Runtime.InteropServices;

namespace Tutorials.Environment;

/// <summary>
/// Optional (<c>TUTORIALS_MALLOC_TUNING=1</c>, Linux/glibc only): keeps glibc's allocator from holding on to memory
/// that libtorch has freed, trading speed for a lower memory peak.
/// <para>
/// Why: glibc serves large blocks (≥ 128 KB) with their own memory mapping, returned to the system on free; but each
/// time such a block is freed it raises that threshold to the block's size (up to 32 MB), so later tensors of that
/// size come from the heap, where freed memory stays with the process. Fixing the threshold at 128 KB turns the
/// raising off. Measured with the runner on notebook 01 (smoke, same results): peak 936 → 810 MB, but its feature
/// extraction took 2.8 → 5.9 s (every large tensor is then mapped and zeroed afresh). Off by default until measured
/// on a quiet machine in full mode; the environment variable MALLOC_MMAP_THRESHOLD_=131072 has the same effect.
/// </para>
/// </summary>
static class MallocTuning
{
    const int M_MMAP_THRESHOLD = -3;
    public const string Variable = "TUTORIALS_MALLOC_TUNING";

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>Applies the setting when asked for; returns what it did, or null.</summary>
    public static string? Apply()
    {
        if (!OperatingSystem.IsLinux() || System.Environment.GetEnvironmentVariable(Variable)?.Trim() != "1") return null;
        try
        {
            return Mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1 ? "malloc: large blocks always mapped (128 KB threshold)" : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;   // not glibc (e.g. musl): nothing to tune
        }
    }
}
