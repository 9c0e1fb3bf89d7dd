namespace Tutorials.Runner;

/// <summary>Command-line entry: the parent (many notebooks) or a child (one notebook, internal).</summary>
static class Cli
{
    public static async Task<int> MainAsync(string[] args)
    {
        try
        {
            var options = Options.Parse(args);
            if (options.Help) { Console.WriteLine(Options.Usage); return 0; }
            if (options.Child is not null) return await ChildRun.RunAsync(options.Child, options.OutDir!, options.WorkDir, options.KeepGoing);
            if (options.VerdictOf is not null) return Preflight.VerdictOf(options.VerdictOf);
            if (options.Preflight) return await Preflight.RunAsync(options);
            return await ParentRun.RunAsync(options);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}\n\n{Options.Usage}");
            return 64;
        }
    }
}

sealed class UsageException(string message) : Exception(message);

sealed record Options(IReadOnlyList<string> Notebooks, string? OutDir, string? Child, bool Help, string Mode,
    int MemoryBudgetMB, bool CheckBudget, string? WorkDir = null, bool KeepGoing = false,
    bool Preflight = false, double MaxMinutes = Options.DefaultMaxMinutes, string? VerdictOf = null,
    string? RecordReference = null, string? Machine = null)
{
    public const double DefaultMaxMinutes = 10;

    public const string Usage = """
        Runs the kit's notebooks headlessly, each top to bottom in a fresh kernel.

        Notebooks run one at a time (each kernel uses every core); for each the summary gives wall seconds
        and the peak resident memory of its kernel process.

        usage: NotebookRunner [notebook.ipynb | name ...] [--out DIR] [--check-budget]
               NotebookRunner --preflight [name ...] [--out DIR] [--max-minutes N]
          notebook        paths, or names such as 00 or 01-feature-concatenation (default: every notebooks/*.ipynb)
          --out DIR       where executed notebooks, HTML and summary.json go (default: artifacts/notebooks;
                          artifacts/preflight for --preflight)
          --check-budget  exit with code 3 when a notebook's peak memory is over the budget
          --preflight     an instructor's check, online, the day before a workshop (under 3 minutes on 2 cores once
                          packages are downloaded): restores what the notebooks' kernels ask for (each notebook's first cell in a
                          fresh kernel), converts the pretrained weights into the cache, reads the environment report,
                          times a short training calibration, and prints READY or NOT READY with the reasons and each
                          notebook's expected minutes on this machine (from tools/NotebookRunner/learner-timings.json).
                          Afterwards the notebooks need no network. Writes preflight.json.
          --max-minutes N with --preflight: NOT READY when a notebook's learner run would take longer here (default 10)
          --preflight-verdict FILE   prints the verdict of a saved preflight.json again
          --record-reference SUMMARY --machine TEXT   with --preflight, on the reference machine, alone, right after a
                          learner run: writes learner-timings.json from that run's summary.json and this calibration
        environment:
          TUTORIALS_MODE              the run size, passed on to the notebooks: learner (the default: each notebook
                                      a few minutes, what a learner runs in a session) or study (3 seeds and
                                      ablations, for studying the results)
          TUTORIALS_MEMORY_BUDGET_MB  peak resident memory allowed per notebook (default 1536 learner, 2048 study);
                                      notebooks over it are flagged OVER in the table
        exit code: 0 all passed (pre-flight: READY), 1 a notebook failed, 3 over budget (with --check-budget),
                   4 pre-flight NOT READY, 64 bad usage
        """;

    public static Options Parse(string[] args)
    {
        var notebooks = new List<string>();
        string? outDir = null, child = null, workDir = null, verdictOf = null, recordReference = null, machine = null;
        bool help = false, checkBudget = false, keepGoing = false, preflight = false;
        double? maxMinutes = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": help = true; break;
                case "--out": outDir = Next(args, ref i, "--out"); break;
                case "--child": child = Next(args, ref i, "--child"); break;
                case "--check-budget": checkBudget = true; break;
                // internal, for the child: run as if the notebook lived in DIR; run the cells after a failing one
                case "--workdir": workDir = Path.GetFullPath(Next(args, ref i, "--workdir")); break;
                case "--keep-going": keepGoing = true; break;
                case "--preflight": preflight = true; break;
                case "--max-minutes":
                    var text = Next(args, ref i, "--max-minutes");
                    maxMinutes = double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) && m > 0
                        ? m : throw new UsageException($"--max-minutes is '{text}', expected a number of minutes above 0, such as 10");
                    break;
                case "--preflight-verdict": verdictOf = Next(args, ref i, "--preflight-verdict"); break;
                case "--record-reference": recordReference = Path.GetFullPath(Next(args, ref i, "--record-reference")); break;
                case "--machine": machine = Next(args, ref i, "--machine"); break;
                case var a when a.StartsWith('-'): throw new UsageException($"unknown option {a}");
                default: notebooks.Add(args[i]); break;
            }
        }
        var mode = RunSize.FromEnvironment();
        if (child is not null && outDir is null) throw new UsageException("--child needs --out");
        if (child is null && (workDir is not null || keepGoing)) throw new UsageException("--workdir and --keep-going are for the runner's own child processes");
        if (!preflight && (maxMinutes is not null || recordReference is not null || machine is not null))
            throw new UsageException("--max-minutes, --record-reference and --machine go with --preflight");
        if (preflight && checkBudget) throw new UsageException("--check-budget is for notebook runs; the pre-flight checks memory itself");
        if ((recordReference is null) != (machine is null))
            throw new UsageException("--record-reference SUMMARY and --machine TEXT go together: the reference says which machine measured it, e.g. --machine \"2-core reference machine (AMD EPYC, AVX-512), quiet\"");
        return new Options(notebooks, outDir, child, help, mode, MemoryBudget.Resolve(mode), checkBudget, workDir, keepGoing,
            preflight, maxMinutes ?? DefaultMaxMinutes, verdictOf, recordReference, machine);
    }

    static string Next(string[] args, ref int i, string name) =>
        ++i < args.Length ? args[i] : throw new UsageException($"{name} needs a value");
}
