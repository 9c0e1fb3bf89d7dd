namespace Tutorials.Files;

/// <summary>
/// Finds the kit's committed files (data sets, pretrained weights) without machine-specific paths: walks up from
/// the current directory and from the program's own folder until the relative path exists. Notebooks run from
/// <c>notebooks/</c>, tests from <c>tests/…/bin/…</c>, tools from the repository root; all find <c>data/</c>.
/// </summary>
public static class DataFiles
{
    /// <summary>The full path of a file or folder such as "data/spoken-digits/index.tsv", or null.</summary>
    public static string? TryFind(string relativePath)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>Like <see cref="TryFind"/>, but a missing path is an error that says where it looked and how to make it.</summary>
    public static string Find(string relativePath, string howToMake) =>
        TryFind(relativePath) ?? throw new FileNotFoundException(
            $"Could not find '{relativePath}' in '{Directory.GetCurrentDirectory()}', '{AppContext.BaseDirectory}' or any folder above them. " +
            $"Run from inside the repository, pass an explicit path, or regenerate it: {howToMake}", relativePath);
}
