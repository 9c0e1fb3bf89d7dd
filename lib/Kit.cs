using Microsoft.Data.Analysis;
using Tutorials.Environment;
using TorchSharp;
using Tutorials.Display;

namespace Tutorials;

/// <summary>
/// The one call every notebook makes in its first cell. It puts the environment right (oneDNN held at AVX2 where the CPU
/// hides its cache sizes, TorchSharp's native library on older hosts, Plotly.NET inside the kernel), registers how
/// tables render, seeds the random number generators and says in one line what it did.
/// </summary>
public static class Kit
{
    /// <summary>
    /// Prepares the process; safe to call more than once. Prints which run size runs, what it costs, and the device.
    /// <paramref name="size"/>: "learner" (minutes; the default) or "study" (3 seeds and the ablations); the environment
    /// variable TUTORIALS_MODE wins when set.
    /// </summary>
    public static void Setup(string size = RunSize.Learner, long seed = 0)
    {
        RunSize.Choose(size);
        var fix = EnsureNativeFix();
        FSharpCoreRedirect.Install();
        Formatters.RegisterFormatters();
        Seed(seed);
        var status = $"Tutorials kit ready · {RunSize.Current} run ({RunSize.Source}): {RunSize.CostOf(RunSize.Current)}\n" +
                     $"device {Devices.Default.type} · {torch.get_num_threads()} CPU threads · seed {seed}" +
                     (fix.Needed && fix.Patched.Count > 0 ? $"\n{fix.Message}" : "");
        Console.WriteLine(status);
    }

    /// <summary>Applies <see cref="TorchSharpNativeFix"/> before anything touches libtorch.</summary>
    public static TorchSharpNativeFix.Outcome EnsureNativeFix() => TorchSharpNativeFix.Apply();

    /// <summary>Seeds TorchSharp's generator so that CPU runs repeat exactly.</summary>
    public static void Seed(long seed)
    {
        EnsureNativeFix();
        torch.manual_seed(seed);
    }

    /// <summary>Versions and capabilities of this machine, as a table.</summary>
    public static DataFrame EnvironmentReport()
    {
        EnsureNativeFix();
        var rows = new List<(string, string)>
        {
            (".NET runtime", System.Environment.Version.ToString()),
            ("OS", System.Runtime.InteropServices.RuntimeInformation.OSDescription),
            ("TorchSharp", typeof(torch).Assembly.GetName().Version?.ToString() ?? "?"),
            ("libtorch", Versions.LibTorch),
            ("CPU", CpuDescription()),
            ("CPU cores (logical)", System.Environment.ProcessorCount.ToString()),
            ("torch CPU threads", torch.get_num_threads().ToString()),
            ("CUDA available", Devices.CudaAvailable ? $"yes ({torch.cuda.device_count()} device(s))" : "no (the CPU build of libtorch, package libtorch-cpu-<rid>)"),
            ("device used", Devices.Default.type.ToString()),
            ("run size", $"{RunSize.Current} ({RunSize.Source})"),
            ("TorchSharp native fix", EnsureNativeFix().Message),
            ("oneDNN instruction set", OneDnnIsaCap.Message),
            ("large tensors on huge pages", HugePageTensors.Message),
            ("channels-last convolution", ChannelsLastConvCheck.Run().Message),
            ("convolution gradient", ConvGradientCheck.Run().Message),   // wrong where oneDNN is misconfigured
        };
        return new DataFrame(
            new StringDataFrameColumn("item", rows.Select(r => r.Item1)),
            new StringDataFrameColumn("value", rows.Select(r => r.Item2)));
    }

    /// <summary>CPU model (Linux: /proc/cpuinfo) and whether it has AVX-512: numerical kernels differ by both.</summary>
    static string CpuDescription()
    {
        string model = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString();
        try
        {
            var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name")) : null;
            if (line is not null) model = line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return $"{model} · AVX-512 {(System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "yes" : "no")}";
    }
}
