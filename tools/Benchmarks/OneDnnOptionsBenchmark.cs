using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using Tutorials.Backbones;
using Tutorials.Data;
using Tutorials.Environment;
using Tutorials.Fusion;
using Tutorials.Segmentation;
using Tutorials.Training;
using static TorchSharp.torch;

namespace Tutorials.Benchmarks;

/// <summary>
/// Which oneDNN setting should the kit use? For each option, a fresh process (oneDNN reads its instruction-set cap once,
/// from the environment, so every option needs its own) reports (1) whether a seeded two-thread training run of
/// TrainerDeterminismTests' small RGB-D segmenter repeats exactly, at its widths and at twice them (the "avoid the
/// faulty shapes" option), (2) <see cref="ChannelsLastConvCheck"/>, (3) <see cref="ConvGradientCheck"/> at 8 → 8
/// channels (the AVX-512 fault) and 8 → 3 (the same fault at AVX2's block size), and (4) the median time of notebook
/// 02's segmenter training step (the vs-pytorch benchmark's workload, bare loop). Prints a table; asserts nothing.
/// <para>
/// The "cache-size fix" options run from a copy of this tool whose libtorch_cpu.so has one byte changed: the
/// Xbyak inside oneDNN then reports no cache information, and oneDNN uses its default cache sizes instead of the
/// 1-byte sizes it computes on VMs that answer CPUID leaf 0x8000001D with zeros (see <see cref="CpuCacheInfo"/>).
/// The copy (≈ 0.5 GB) is made in the temp folder and deleted afterwards. It is an experiment, not something the
/// kit does to the libtorch it loads.
/// </para>
/// </summary>
static class OneDnnOptionsBenchmark
{
    sealed record Option(string Name, string Isa, int Threads = 0, bool CacheFix = false);

    static readonly Option[] Options =
    [
        new("AVX2 cap (kit default)", "AVX2"),
        new("uncapped", "ALL"),
        new("uncapped, 1 thread", "ALL", Threads: 1),
        new("SSE4.1 cap", "SSE41"),
        new("uncapped + cache-size fix", "ALL", CacheFix: true),
        new("AVX2 cap + cache-size fix", "AVX2", CacheFix: true),
    ];

    /// <summary>
    /// The parent: starts one process per option (or per option whose name contains <paramref name="only"/>), has each
    /// run its checks in turn, then times rounds of the segmenter step, the options taking turns in a rotating order so
    /// that a change in machine load hits them all alike.
    /// </summary>
    public static void Run(int rounds, int steps, int repeats, string? only)
    {
        var cache = CpuCacheInfo.Read();
        Console.WriteLine($"onednn-options: libtorch {Versions.LibTorch}, {System.Environment.ProcessorCount} cores, load average at start {VsPyTorchBenchmark.LoadAverage()}");
        Console.WriteLine($"CPU caches as oneDNN sees them: {cache.Message}");
        Console.WriteLine($"per option: determinism model run {repeats}×, checks; then notebook 02 segmenter step, {steps} steps × {rounds} rounds after one warm-up round, options in turn\n");
        string? patchedDir = null, patchFailure = null;
        var children = new List<(Option Option, Process Process, string[] Checks, List<double> Times)>();
        try
        {
            foreach (var option in Options.Where(o => only is null || o.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
            {
                string dir = AppContext.BaseDirectory;
                if (option.CacheFix)
                {
                    if (patchedDir is null && patchFailure is null) patchedDir = CopyWithCacheFix(out patchFailure);
                    if (patchedDir is null) { Console.WriteLine($"{option.Name}: skipped ({patchFailure})"); continue; }
                    dir = patchedDir;
                }
                Console.WriteLine($"== {option.Name}: ONEDNN_MAX_CPU_ISA={option.Isa}" + (option.Threads > 0 ? $", {option.Threads} thread(s)" : "") + (option.CacheFix ? $", from {dir}" : ""));
                var process = StartChild(dir, option, steps, repeats);
                children.Add((option, process, Ask(process, "checks", "CHECKS"), []));
            }
            for (int round = 0; round <= rounds; round++)
                for (int turn = 0; turn < children.Count; turn++)
                {
                    var child = children[(turn + round) % children.Count];
                    double seconds = double.Parse(Ask(child.Process, "round", "TIME")[0], System.Globalization.CultureInfo.InvariantCulture);
                    if (round > 0) child.Times.Add(seconds);   // round 0: warm-up
                }
        }
        finally
        {
            foreach (var child in children)
            {
                try { child.Process.StandardInput.WriteLine("quit"); child.Process.WaitForExit(10_000); } catch (IOException) { }
                if (!child.Process.HasExited) child.Process.Kill();
            }
            if (patchedDir is not null) Directory.Delete(patchedDir, recursive: true);
        }

        Console.WriteLine($"\nsummary (load average at end {VsPyTorchBenchmark.LoadAverage()}):");
        var rows = children.Select(c => (string[])[c.Option.Name, .. c.Checks,
            $"{VsPyTorchBenchmark.Median(c.Times):0.000} ({string.Join(" ", c.Times.Select(t => t.ToString("0.00")))})"]).ToList();
        string[] header = ["option", "determinism ×1", "determinism ×2 widths", "channels-last check", "conv 8→8", "conv 8→3", "s/step, nb 02 (median; rounds)"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine("  " + string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
        foreach (var r in rows) Console.WriteLine("  " + string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))));
        Console.WriteLine("determinism: distinct loss pairs over the repeats of a seeded 2-epoch run (1 = repeats exactly); conv: ConvGradientCheck.");
    }

    static Process StartChild(string dir, Option option, int steps, int repeats)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(dir, "Benchmarks.dll"), "onednn-step", "--steps", $"{steps}", "--repeats", $"{repeats}", "--threads", $"{option.Threads}" })
            psi.ArgumentList.Add(a);
        psi.Environment[OneDnnIsaCap.Variable] = option.Isa;
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };   // libtorch's NNPACK warnings on one thread
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Sends a command to a child, echoes its output, returns the fields of its answer line.</summary>
    static string[] Ask(Process child, string command, string answer)
    {
        child.StandardInput.WriteLine(command);
        while (child.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(answer + "\t")) return line.Split('\t')[1..];
            Console.WriteLine("  " + line);
        }
        throw new InvalidOperationException($"The option's process ended (exit code {(child.HasExited ? child.ExitCode : -1)}) before answering '{command}'.");
    }

    /// <summary>
    /// The child: one option, in this process. Reads commands from standard input: "checks" (prints its findings and
    /// a CHECKS line), "round" (times one round of the segmenter step, prints a TIME line), "quit".
    /// </summary>
    public static void Child(int steps, int repeats, int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
        Workload? workload = null;
        while (Console.ReadLine() is { } command && command != "quit")
        {
            if (command == "checks") Console.WriteLine(string.Join('\t', ["CHECKS", .. Checks(repeats)]));
            else if (command == "round")
            {
                workload ??= KitWorkloads.Segmenter(steps);
                Console.WriteLine($"TIME\t{VsPyTorchBenchmark.BareLoopStep(workload, steps).ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            }
        }
        workload?.Model.Dispose();
    }

    static string[] Checks(int repeats)
    {
        Console.WriteLine($"oneDNN: {OneDnnIsaCap.Message}; {torch.get_num_threads()} threads");
        string Determinism(int scale)
        {
            var runs = Enumerable.Range(0, repeats).Select(_ => SeededSegmenterRun(scale)).ToList();
            int distinct = runs.Select(r => string.Join(",", r.Select(BitConverter.DoubleToInt64Bits))).Distinct().Count();
            bool nan = runs.Any(r => r.Any(double.IsNaN));
            Console.WriteLine($"determinism model ×{scale} widths: {distinct} distinct of {repeats}{(nan ? ", NaN" : "")}; first [{string.Join(", ", runs[0])}]");
            return $"{distinct} of {repeats}" + (nan ? " (NaN)" : "");
        }
        var d1 = Determinism(1);
        var d2 = Determinism(2);
        var cl = ChannelsLastConvCheck.Run();
        Console.WriteLine($"channels-last check: {cl.Message}");
        var c8 = ConvGradientCheck.Run();
        var c3 = ConvGradientCheck.Run(outChannels: 3);
        Console.WriteLine($"conv check 8→8: {c8.Message}\nconv check 8→3: {c3.Message}");
        static string Verdict(ConvGradientCheck.Outcome c) =>
            c.Correct ? "ok" : $"wrong (err {c.MaxAbsError:0.00}, {c.Differing} differ, {c.WithNaN} NaN)";
        return [d1, d2, cl.Correct ? "ok" : $"wrong ({cl.MaxAbsDifference:0.00})", Verdict(c8), Verdict(c3)];
    }

    /// <summary>TrainerDeterminismTests' convolutional run (its model at <paramref name="scale"/>× the widths): the two epochs' losses.</summary>
    static double[] SeededSegmenterRun(int scale)
    {
        torch.manual_seed(0);
        var backbone = new ResNetBackbone(baseWidth: 8 * scale, blocksPerStage: [1, 1, 1, 1]);
        using var model = new RgbdSegmenter(new ResNetSegmenter(backbone, numClasses: 3, decoderWidth: 8 * scale), "layer2", depthWidth: 16 * scale);
        FusionTraining.FreezeBackboneUpTo(backbone, "layer2");
        using var optimizer = optim.Adam(new Adam.ParamGroup[]
        {
            new(FusionTraining.FineTunedParameters(backbone), lr: 1e-4),
            new(FusionTraining.NewParameters(model, backbone), lr: 1e-3),
        });
        torch.manual_seed(1);
        var images = torch.randn(8, 3, 32, 32);
        var depth = torch.rand(8, 1, 32, 32);
        var masks = torch.randint(0, 3, [8, 32, 32]);
        var history = Trainer.Fit(model, optimizer, new TensorBatches([images, depth, masks], 4, shuffle: true, seed: 0),
            b => nn.functional.cross_entropy(model.call(b[0], b[1]), b[2]),
            options: new TrainerOptions { Epochs = 2, Seed = 7, Device = torch.CPU, Progress = TrainingProgress.None });
        return history.Epochs.Select(e => e.TrainLoss).ToArray();
    }

    /// <summary>
    /// Copies this tool's build output to the temp folder and changes, in the copy's libtorch_cpu.so, the instruction
    /// with which Xbyak's CPU detection sets "3 cache levels" on AMD CPUs to "0 levels". Returns the folder, or null
    /// (and why) when this libtorch does not contain exactly that instruction.
    /// </summary>
    static string? CopyWithCacheFix(out string? why)
    {
        // mov dword [rdi+0x6c], 3 ; xor r8d, r8d ; xor esi, esi ; mov r10d, 0x8000001D  (libtorch 2.10.0 linux-x64)
        byte[] pattern = Convert.FromHexString("C7476C030000004531C031F641BA1D000080");
        var source = AppContext.BaseDirectory;
        var library = Directory.EnumerateFiles(source, "libtorch_cpu.so", SearchOption.AllDirectories).FirstOrDefault();
        if (library is null) { why = $"no libtorch_cpu.so under {source}"; return null; }
        var bytes = File.ReadAllBytes(library);
        int at = bytes.AsSpan().IndexOf(pattern);
        if (at < 0 || bytes.AsSpan(at + 1).IndexOf(pattern) >= 0) { why = "this libtorch_cpu.so does not contain the expected instruction exactly once"; return null; }
        var target = Path.Combine(Path.GetTempPath(), $"tutorials-onednn-cachefix-{System.Environment.ProcessId}");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        using (var stream = new FileStream(Path.Combine(target, Path.GetRelativePath(source, library)), FileMode.Open, FileAccess.Write))
        {
            stream.Position = at + 3;   // the immediate 3
            stream.WriteByte(0);
        }
        why = null;
        return target;
    }
}
