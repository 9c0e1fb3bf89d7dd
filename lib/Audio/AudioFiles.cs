namespace Tutorials.Audio;

/// <summary>
/// Finds the kit's committed audio files (data set, pretrained weights) without machine-specific paths:
/// walks up from the current directory and from the program's own folder until <c>relativePath</c> exists.
/// Notebooks run from <c>notebooks/</c>, tests from <c>tests/…/bin/…</c>; both find the repository's <c>data/</c>.
/// </summary>
public static class AudioFiles
{
    /// <summary>The full path of <paramref name="relativePath"/> (e.g. "data/spoken-digits/index.tsv"), or null.</summary>
    public static string? TryFind(string relativePath) => Data.DataFiles.TryFind(relativePath);

    /// <summary>Like <see cref="TryFind"/>, but a missing file is an error that says how to make it.</summary>
    public static string Find(string relativePath, string howToMake) => Data.DataFiles.Find(relativePath, howToMake);

    /// <summary>Writes through a temporary file and a rename, so readers never see a half-written file.</summary>
    public static void WriteAtomically(string path, Action<string> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
