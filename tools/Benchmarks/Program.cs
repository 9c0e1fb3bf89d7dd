// Benchmarks print figures; they assert nothing (tests stay deterministic, timings belong here).
//   dotnet run --project tools/Benchmarks -c Release -- feature-cache [--per-digit 30] [--epochs 40]
//   dotnet run --project tools/Benchmarks -c Release -- vs-pytorch [--rounds 7] [--steps 3]
//   dotnet run --project tools/Benchmarks -c Release -- onednn-options [--rounds 5] [--steps 3] [--repeats 8] [--only NAME]
//   dotnet run --project tools/Benchmarks -c Release -- memory-trace [--workload segmenter|towers] [--side kit|bare] [--epochs 5] [--steps 8]
//   dotnet run --project tools/Benchmarks -c Release -- page-faults [--megabytes 200] [--repeats 5]
//   dotnet run --project tools/Benchmarks -c Release -- onednn-check [--repeats 20] [--sweep]   (the fault's reproduction, inherited setting)
using Tutorials;
using Tutorials.Benchmarks;

Kit.EnsureNativeFix();   // before the first torch call
var command = args.FirstOrDefault();
switch (command)
{
    case "feature-cache":
        FeatureCacheBenchmark.Run(Arg(args, "--per-digit", 30), Arg(args, "--epochs", 40));   // 40 epochs, as notebook 01 (full)
        return 0;
    case "vs-pytorch":
        VsPyTorchBenchmark.Run(Arg(args, "--rounds", 7), Arg(args, "--steps", 3));
        return 0;
    case "onednn-options":
        OneDnnOptionsBenchmark.Run(Arg(args, "--rounds", 5), Arg(args, "--steps", 3), Arg(args, "--repeats", 8), StringArg(args, "--only"));
        return 0;
    case "onednn-step":   // one option, in this process (onednn-options starts it with the option's environment)
        OneDnnOptionsBenchmark.Child(Arg(args, "--steps", 3), Arg(args, "--repeats", 8), Arg(args, "--threads", 0));
        return 0;
    case "memory-trace":
        try { MemoryTrace.Run(StringArg(args, "--workload") ?? "segmenter", StringArg(args, "--side") ?? "kit", Arg(args, "--epochs", 5), Arg(args, "--steps", 8)); }
        catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 64; }
        return 0;
    case "page-faults":
        return PageFaultCost.Run(Arg(args, "--megabytes", 200), Arg(args, "--repeats", 5));
    case "onednn-check":
        return OneDnnCheck.Run(Arg(args, "--repeats", 20), args.Contains("--sweep"));
    default:
        Console.Error.WriteLine("usage: Benchmarks feature-cache [--per-digit N (1-100)] [--epochs E]\n" +
                                "       Benchmarks vs-pytorch [--rounds R] [--steps S]   (PyTorch side: python3 with torch, e.g. Debian's python3-torch)\n" +
                                "       Benchmarks memory-trace [--workload segmenter|towers] [--side kit|bare] [--epochs E] [--steps S]\n" +
                                "       Benchmarks page-faults [--megabytes M] [--repeats N]\n" +
                                "       Benchmarks onednn-options [--rounds R] [--steps S] [--repeats N] [--only NAME]\n" +
                                "       Benchmarks onednn-check [--repeats N] [--sweep]");
        return 64;
}

static string? StringArg(string[] args, string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static int Arg(string[] args, string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : fallback;
}
