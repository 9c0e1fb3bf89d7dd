using System.Diagnostics;

namespace Tutorials.Runner;

/// <summary>
/// Peak resident memory (the most physical RAM a process held at any moment), the figure that decides whether a
/// notebook fits an attendee's laptop. Two readings, so that a crash still leaves a figure:
/// <list type="bullet">
/// <item>the kernel process reads its own high-water mark after its last cell (<see cref="OfThisProcess"/>;
/// on Linux .NET reads <c>VmHWM</c> from <c>/proc/self/status</c>, on Windows the peak working set) — exact;</item>
/// <item>the runner polls the child's high-water mark every half second while it runs (<see cref="Poller"/>) —
/// a lower bound that misses at most the last half second, used when the child died before reporting.</item>
/// </list>
/// Only the kernel process is counted: the short-lived <c>dotnet restore</c> processes that <c>#r "nuget:"</c>
/// starts are not. Null where the OS does not report a peak (macOS).
/// </summary>
static class PeakMemory
{
    const double Mb = 1024 * 1024;

    public static double? OfThisProcess()
    {
        using var self = Process.GetCurrentProcess();
        return Read(self);
    }

    static double? Read(Process p)
    {
        try
        {
            p.Refresh();
            long bytes = p.PeakWorkingSet64;
            return bytes > 0 ? Math.Round(bytes / Mb, 0) : null;
        }
        catch (Exception e) when (e is InvalidOperationException or PlatformNotSupportedException or NotSupportedException) { return null; }
    }

    /// <summary>Polls a running process's peak resident memory until disposed; <see cref="Peak"/> is the highest seen.</summary>
    public sealed class Poller : IDisposable
    {
        readonly CancellationTokenSource _stop = new();
        readonly Task _loop;
        double? _peak;

        public Poller(Process process, TimeSpan? interval = null)
        {
            var every = interval ?? TimeSpan.FromMilliseconds(500);
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested && !process.HasExited)
                {
                    if (Read(process) is double mb) _peak = Math.Max(_peak ?? 0, mb);
                    try { await Task.Delay(every, _stop.Token); } catch (OperationCanceledException) { }
                }
            });
        }

        public double? Peak => _peak;

        /// <summary>Stops polling (safe to call more than once).</summary>
        public void Dispose()
        {
            if (_stop.IsCancellationRequested) return;
            _stop.Cancel();
            try { _loop.Wait(); } catch (AggregateException) { }
        }
    }
}
