using System.Security.Cryptography;

namespace Tutorials.Files;

/// <summary>
/// Weights the kit trained and committed (the audio encoder, model A's decoder): found without machine-specific
/// paths and checked against the SHA-256 recorded beside their loader, so a damaged file, a Git LFS pointer or the
/// output of another run is refused with what to do, instead of loading into a model that runs and is wrong.
/// </summary>
public static class CommittedWeights
{
    /// <summary>
    /// The path to load: <paramref name="path"/>, or <paramref name="relativePath"/> found from the repository; checked
    /// to exist and, unless <paramref name="expectedSha256"/> is null (weights you regenerated yourself), to be the
    /// committed file. <paramref name="what"/> names the weights in messages; <paramref name="regenerate"/> is the command
    /// that makes them.
    /// </summary>
    public static string Checked(string what, string relativePath, string regenerate, string? path, string? expectedSha256)
    {
        path ??= DataFiles.Find(relativePath, regenerate);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{what} weights not found at '{path}'. Regenerate them: {regenerate}", path);
        if (expectedSha256 is null) return path;
        var actual = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"'{path}' has SHA-256 {actual}, expected {expectedSha256}. The file is damaged, a Git LFS pointer, or from another run. " +
                $"Restore it with 'git checkout -- {relativePath}', or regenerate it ({regenerate}) and pass expectedSha256: null.");
        return path;
    }
}
