using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tutorials.Benchmarks;

/// <summary>
/// What it costs to take memory back from the system after handing it back (what a heap trim, or glibc's own release,
/// makes the next training step pay): maps a block, touches every 4 KB page, hands the pages back
/// (<c>madvise(MADV_DONTNEED)</c>, as <c>malloc_trim</c> does) and touches them again, timed; once with ordinary pages
/// and once with the block advised for transparent huge pages (<c>MADV_HUGEPAGE</c>, as libtorch does for large tensors
/// under <c>THP_MEM_ALLOC_ENABLE=1</c>). Linux only. Run it alone.
/// </summary>
static class PageFaultCost
{
    const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MapAnonymous = 0x20, MadvDontNeed = 4, MadvHugePage = 14;
    const int Page = 4096;

    [DllImport("libc.so.6", SetLastError = true)] static extern IntPtr mmap(IntPtr addr, nuint length, int prot, int flags, int fd, nint offset);
    [DllImport("libc.so.6", SetLastError = true)] static extern int madvise(IntPtr addr, nuint length, int advice);
    [DllImport("libc.so.6")] static extern int munmap(IntPtr addr, nuint length);

    public static int Run(int megabytes, int repeats)
    {
        if (!OperatingSystem.IsLinux()) { Console.Error.WriteLine("page-faults: Linux only (mmap, madvise)."); return 64; }
        if (megabytes is < 4 or > 8192 || repeats < 1)
        {
            Console.Error.WriteLine($"page-faults expects --megabytes from 4 to 8192 and --repeats ≥ 1; got {megabytes}, {repeats}.");
            return 64;
        }
        Console.WriteLine($"page-faults: a {megabytes} MB block, every 4 KB page touched, handed back, touched again; {repeats} repeats; " +
                          $"load average at start {VsPyTorchBenchmark.LoadAverage()}");
        foreach (bool huge in new[] { false, true })
        {
            nuint length = (nuint)megabytes << 20;
            var block = mmap(IntPtr.Zero, length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
            if (block == new IntPtr(-1)) { Console.Error.WriteLine($"mmap of {megabytes} MB failed (errno {Marshal.GetLastPInvokeError()})."); return 1; }
            try
            {
                if (huge && madvise(block, length, MadvHugePage) != 0)
                {
                    Console.WriteLine($"  huge pages: madvise(MADV_HUGEPAGE) refused (errno {Marshal.GetLastPInvokeError()}): no transparent huge pages here");
                    continue;
                }
                double first = Touch(block, length);
                var again = new List<double>();
                for (int r = 0; r < repeats; r++)
                {
                    madvise(block, length, MadvDontNeed);
                    again.Add(Touch(block, length));
                }
                long pages = (long)(length / Page);
                double median = VsPyTorchBenchmark.Median(again);
                Console.WriteLine($"  {(huge ? "huge pages (MADV_HUGEPAGE)" : "4 KB pages")}: first touch {first:0.000} s; after handing back, " +
                                  $"median {median:0.000} s = {median / pages * 1e6:0.00} µs per 4 KB of memory");
            }
            finally { munmap(block, length); }
        }
        return 0;
    }

    /// <summary>Writes one byte into every 4 KB page of the block; seconds taken.</summary>
    static double Touch(IntPtr block, nuint length)
    {
        var clock = Stopwatch.StartNew();
        for (long offset = 0; offset < (long)length; offset += Page) Marshal.WriteByte(block + (nint)offset, 1);
        return clock.Elapsed.TotalSeconds;
    }
}
