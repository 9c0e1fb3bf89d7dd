namespace Tutorials.Costs;

/// <summary>Command line: which summaries to read, which notebooks to update.</summary>
static class Cli
{
    const string Usage = """
        Writes measured durations and peak memory into every notebook's header (the cost block).

        usage: NotebookCosts --learner SUMMARY.json [--study SUMMARY.json] [--note TEXT] [--notebooks DIR]
          --learner   the runner's summary.json of a learner run (TUTORIALS_MODE unset or learner; may be given
                      more than once)
          --study     the runner's summary.json of a study run (TUTORIALS_MODE=study; may be given more than once);
                      without it the headers say the study run is not measured yet
          --note      a few words on the machine, e.g. "quiet machine" or "loaded machine: upper bounds"
          --notebooks the folder of notebooks (default: notebooks/ of the repository)
        exit code: 0 every header updated, 1 a problem (named on stderr), 64 bad usage
        """;

    public static int Run(string[] args)
    {
        var learner = new List<string>();
        var study = new List<string>();
        string? note = null, folder = null;
        try
        {
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "-h" or "--help": Console.WriteLine(Usage); return 0;
                    case "--learner": learner.Add(Next(args, ref i)); break;
                    case "--study": study.Add(Next(args, ref i)); break;
                    case "--smoke" or "--full":
                        throw new ArgumentException($"{args[i]} is an old name: the run sizes are now learner (was smoke) and study (was full); pass --learner and --study");
                    case "--note": note = Next(args, ref i); break;
                    case "--notebooks": folder = Next(args, ref i); break;
                    default: throw new ArgumentException($"unknown argument '{args[i]}'");
                }
            }
            if (learner.Count == 0) throw new ArgumentException("--learner SUMMARY.json is required (run the notebooks first: dotnet run --project tools/NotebookRunner -c Release -- --out artifacts/learner)");
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}\n\n{Usage}");
            return 64;
        }

        try
        {
            var measured = new Measurements(RunSummary.ReadAll(learner, RunSummary.Learner), study.Count == 0 ? null : RunSummary.ReadAll(study, RunSummary.Study));
            folder ??= Path.Combine(RepoRoot.Find(), "notebooks");
            var notebooks = Directory.GetFiles(folder, "*.ipynb").OrderBy(f => f, StringComparer.Ordinal).ToList();
            if (notebooks.Count == 0) throw new CostException($"No notebooks (*.ipynb) in {folder}.");
            foreach (var warning in measured.Warnings()) Console.Error.WriteLine($"warning: {warning}");
            foreach (var path in notebooks)
            {
                var name = Path.GetFileNameWithoutExtension(path);
                var m = measured.For(name);
                if (m.Learner is null) Console.Error.WriteLine($"warning: {name} is not in the learner-run summary; its header will say so.");
                if (m.StudyGiven && m.Study is null) Console.Error.WriteLine($"warning: {name} is not in the study-run summary; its header will say so.");
                var line = CostBlock.CostLine(m, note);
                NotebookHeader.WriteCostLine(path, line);
                Console.WriteLine($"{name}: {line}");
            }
            return 0;
        }
        catch (CostException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    static string Next(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
}

static class RepoRoot
{
    /// <summary>The folder holding Tutorials.sln, searched upward from the working directory.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Tutorials.sln"))) return dir.FullName;
        throw new CostException("Cannot find the kit's root (the folder with Tutorials.sln); run from inside the repository or pass --notebooks DIR.");
    }
}
