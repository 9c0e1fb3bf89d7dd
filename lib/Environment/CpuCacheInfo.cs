using System.Runtime.Intrinsics.X86;

namespace Tutorials.Environment;

/// <summary>
/// The data-cache sizes oneDNN (inside libtorch 2.10) believes this CPU has, read from CPUID the way its bundled Xbyak
/// reads them. oneDNN sizes its convolution kernels' blocking from these numbers.
/// <para>
/// Why it matters: on AMD CPUs that Xbyak always takes three cache levels from CPUID leaf 0x8000001D (sub-leaves 0,
/// 2 and 3) and multiplies ways × partitions × line size × sets, each field stored minus one. Some VMs answer that
/// leaf with zeros (Linux then shows no /sys/devices/system/cpu/cpu0/cache), so every cache comes out as 1 byte; on
/// such a VM (AMD EPYC family 26, 2026-12-06) oneDNN's AVX-512 and AVX2 convolution kernels computed wrong outputs and
/// gradients, sometimes NaN, for many channel counts (see <see cref="ConvGradientCheck"/>). With that detection
/// changed to "no cache information" (oneDNN then uses its default sizes) the same kernels were right.
/// </para>
/// </summary>
public static class CpuCacheInfo
{
    /// <summary>Smallest plausible data cache; anything below means the CPU or its hypervisor did not report the size.</summary>
    public const long MinPlausibleBytes = 4096;

    /// <summary>CPU vendor and the L1d, L2, L3 sizes in bytes as oneDNN computes them (null: not an AMD x86 CPU).</summary>
    public sealed record Reading(string Vendor, long[]? OneDnnSizes)
    {
        /// <summary>True when oneDNN will size its kernels for caches that cannot be real (e.g. 1 byte).</summary>
        public bool Broken => OneDnnSizes is not null && OneDnnSizes.Any(s => s < MinPlausibleBytes);

        public string Message => OneDnnSizes is null
            ? $"{Vendor}: oneDNN takes the sizes from CPUID leaf 4, or its defaults where that leaf is empty"
            : Broken
                ? $"not reported by this CPU or its hypervisor (CPUID 0x8000001D gives L1d/L2/L3 {Sizes}): oneDNN sizes its convolution kernels for caches of a few bytes, and some convolutions come out wrong"
                : $"L1d/L2/L3 {Sizes} (CPUID 0x8000001D)";

        string Sizes => string.Join(" / ", OneDnnSizes!.Select(Bytes));
    }

    static Reading? _reading;

    /// <summary>Reads CPUID once per process (microseconds).</summary>
    public static Reading Read() => _reading ??= ReadNow();

    static Reading ReadNow()
    {
        if (!X86Base.IsSupported) return new("not an x86 CPU", null);
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        var vendor = string.Concat(new[] { ebx, edx, ecx }.Select(r => System.Text.Encoding.ASCII.GetString(BitConverter.GetBytes(r))));
        if (vendor != "AuthenticAMD") return new(vendor, null);
        // Sub-leaf 1 is the instruction cache; Xbyak skips it and does not look at the cache-type field.
        var sizes = new[] { 0, 2, 3 }.Select(sub =>
        {
            var (_, b, c, _) = X86Base.CpuId(unchecked((int)0x8000001D), sub);
            long ways = ((uint)b >> 22) + 1, partitions = (((uint)b >> 12) & 0x3FF) + 1, line = ((uint)b & 0xFFF) + 1, sets = (uint)c + 1L;
            return ways * partitions * line * sets;
        }).ToArray();
        return new(vendor, sizes);
    }

    static string Bytes(long n) => n >= 1 << 20 ? $"{n >> 20} MiB" : n >= 1 << 10 ? $"{n >> 10} KiB" : $"{n} B";
}
