using Tutorials.NotebookApps;

return Cli.Run(args);

static class Cli
{
    const string Usage = """
        Keeps every notebook also as a .NET 10 file-based app (notebooks/apps/NN-name.cs) and runs those apps.

        usage: NotebookApps generate [name ...]   write notebooks/apps/*.cs from notebooks/*.ipynb (default: all)
               NotebookApps check                 exit 1 if a committed app differs from what its notebook generates
               NotebookApps run [name ...]        run the apps one after another; durations and key results to
                                                  artifacts/apps/summary.json (default: all)
          name  00, 01-feature-concatenation or notebooks/01-feature-concatenation.ipynb
        environment: TUTORIALS_MODE  learner (default) or study, passed on to the apps
        exit code: 0 fine, 1 differences or a failed app, 2 a notebook that cannot become an app, 64 bad usage
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help") { Console.WriteLine(Usage); return args.Length == 0 ? 64 : 0; }
        try
        {
            var root = RepoPaths.FindRoot();
            var names = args.Skip(1).ToList();
            return args[0] switch
            {
                "generate" => Generate(root, names),
                "check" => Check(root),
                "run" => AppRunner.RunAll(root, RepoPaths.Notebooks(root, names)),
                var other => Bad($"unknown command '{other}'"),
            };
        }
        catch (GeneratorException e) { Console.Error.WriteLine($"error: {e.Message}"); return 2; }
        catch (ArgumentException e) { return Bad(e.Message); }
    }

    static int Bad(string message) { Console.Error.WriteLine($"error: {message}\n\n{Usage}"); return 64; }

    static int Generate(string root, IReadOnlyList<string> names)
    {
        var appsDir = RepoPaths.Apps(root);
        Directory.CreateDirectory(appsDir);
        foreach (var nb in RepoPaths.Notebooks(root, names))
        {
            var path = Path.Combine(appsDir, AppGenerator.AppFileName(nb));
            var text = AppGenerator.Generate(nb);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(temp, text);
            File.Move(temp, path, overwrite: true);
            Console.WriteLine($"{Path.GetRelativePath(root, nb)} → {Path.GetRelativePath(root, path)}");
        }
        return 0;
    }

    static int Check(string root)
    {
        var problems = DriftCheck.Problems(root);
        foreach (var p in problems) Console.WriteLine(p);
        if (problems.Count == 0) Console.WriteLine("every app equals what its notebook generates");
        return problems.Count == 0 ? 0 : 1;
    }
}
