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
    int MemoryBudgetMB, bool CheckBudget, string? WorkDir = null, bool KeepGoing = false)
{
    public const string Usage = """
        Runs the kit's notebooks headlessly, each top to bottom in a fresh kernel.

        Notebooks run one at a time (each kernel uses every core); for each the summary gives wall seconds
        and the peak resident memory of its kernel process.

        usage: NotebookRunner [notebook.ipynb | name ...] [--out DIR] [--check-budget]
          notebook        paths, or names such as 00 or 01-feature-concatenation (default: every notebooks/*.ipynb)
          --out DIR       where executed notebooks, HTML and summary.json go (default: artifacts/notebooks)
          --check-budget  exit with code 3 when a notebook's peak memory is over the budget
        environment:
          TUTORIALS_MODE              the run size, passed on to the notebooks: learner (the default: each notebook
                                      a few minutes, what a learner runs in a session) or study (3 seeds and
                                      ablations, for studying the results)
          TUTORIALS_MEMORY_BUDGET_MB  peak resident memory allowed per notebook (default 1536 learner, 2048 study);
                                      notebooks over it are flagged OVER in the table
        exit code: 0 all passed, 1 a notebook failed, 3 over budget (with --check-budget), 64 bad usage
        """;

    public static Options Parse(string[] args)
    {
        var notebooks = new List<string>();
        string? outDir = null, child = null, workDir = null;
        bool help = false, checkBudget = false, keepGoing = false;
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
                case var a when a.StartsWith('-'): throw new UsageException($"unknown option {a}");
                default: notebooks.Add(args[i]); break;
            }
        }
        var mode = RunSize.FromEnvironment();
        if (child is not null && outDir is null) throw new UsageException("--child needs --out");
        if (child is null && (workDir is not null || keepGoing)) throw new UsageException("--workdir and --keep-going are for the runner's own child processes");
        return new Options(notebooks, outDir, child, help, mode, MemoryBudget.Resolve(mode), checkBudget, workDir, keepGoing);
    }

    static string Next(string[] args, ref int i, string name) =>
        ++i < args.Length ? args[i] : throw new UsageException($"{name} needs a value");
}
