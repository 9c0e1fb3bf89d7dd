namespace Tutorials.NotebookApps;

/// <summary>Where the notebooks and apps are, found from the current directory or the tool's own folder.</summary>
public static class RepoPaths
{
    public static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Tutorials.sln"))) return dir.FullName;
        throw new ArgumentException("Run NotebookApps from inside the kit's repository (no Tutorials.sln found above the current directory).");
    }

    public static string Apps(string root) => Path.Combine(root, "notebooks", "apps");

    public static IReadOnlyList<string> AllNotebooks(string root) =>
        Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").OrderBy(f => f, StringComparer.Ordinal).ToList();

    /// <summary>Notebooks by name ("01", "01-feature-concatenation", a path); all of them when none are named.</summary>
    public static IReadOnlyList<string> Notebooks(string root, IReadOnlyList<string> names)
    {
        var all = AllNotebooks(root);
        if (names.Count == 0) return all;
        return names.Select(n =>
        {
            if (File.Exists(n) && n.EndsWith(".ipynb")) return Path.GetFullPath(n);
            var key = Path.GetFileNameWithoutExtension(n);
            var matches = all.Where(f => Path.GetFileNameWithoutExtension(f) == key || Path.GetFileName(f).StartsWith(key + "-")).ToList();
            return matches.Count == 1 ? matches[0]
                : throw new ArgumentException($"'{n}' matches {matches.Count} notebooks; expected one of: {string.Join(", ", all.Select(Path.GetFileNameWithoutExtension))}");
        }).ToList();
    }
}
