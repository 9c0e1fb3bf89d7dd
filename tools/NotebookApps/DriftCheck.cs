namespace Tutorials.NotebookApps;

/// <summary>
/// The apps are generated files: each must equal what its notebook generates now, and no app may be left without a
/// notebook. A hand edit or a notebook changed without regenerating shows up here with the first differing line.
/// </summary>
public static class DriftCheck
{
    public static IReadOnlyList<string> Problems(string root)
    {
        var problems = new List<string>();
        var appsDir = RepoPaths.Apps(root);
        var expected = new HashSet<string>();
        foreach (var nb in RepoPaths.AllNotebooks(root))
        {
            var name = AppGenerator.AppFileName(nb);
            expected.Add(name);
            var path = Path.Combine(appsDir, name);
            string generated;
            try { generated = AppGenerator.Generate(nb); }
            catch (GeneratorException e) { problems.Add($"notebooks/{Path.GetFileName(nb)} cannot become an app: {e.Message}"); continue; }
            if (!File.Exists(path)) { problems.Add($"notebooks/apps/{name} is missing. Create it with: {AppGenerator.RegenerateCommand}"); continue; }
            var committed = File.ReadAllText(path).Replace("\r\n", "\n");
            if (committed != generated) problems.Add($"notebooks/apps/{name} differs from what notebooks/{Path.GetFileName(nb)} generates ({FirstDifference(committed, generated)}). " +
                                                     $"Apps are generated, not edited: change the notebook if needed, then run {AppGenerator.RegenerateCommand}");
        }
        if (Directory.Exists(appsDir))
            foreach (var app in Directory.GetFiles(appsDir, "*.cs").Select(Path.GetFileName).Where(n => !expected.Contains(n!)))
                problems.Add($"notebooks/apps/{app} has no notebook notebooks/{Path.ChangeExtension(app, ".ipynb")}; delete it or restore the notebook.");
        return problems;
    }

    static string FirstDifference(string committed, string generated)
    {
        var a = committed.Split('\n'); var b = generated.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "(end of file)"; var y = i < b.Length ? b[i] : "(end of file)";
            if (x != y) return $"first at line {i + 1}: committed `{Clip(x)}`, generated `{Clip(y)}`";
        }
        return "line endings or trailing whitespace";
    }

    static string Clip(string s) => s.Length <= 100 ? s : s[..100] + "…";
}
