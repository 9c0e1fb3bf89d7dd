using System.Security.Cryptography;

namespace Tutorials.Pretrained;

/// <summary>
/// Converting weights from ONNX takes seconds; reading them back from TorchSharp's own format is fast. The
/// cache keeps each converted file once, written through a temporary name and a rename (so a crash never
/// leaves half a file under the real name), with a SHA-256 sidecar that is checked on every load: a partial
/// or corrupt file is rebuilt, not trusted.
/// </summary>
public static class WeightCache
{
    /// <summary>TUTORIALS_CACHE, else $XDG_CACHE_HOME/torchsharp-tutorials, else ~/.cache/torchsharp-tutorials.</summary>
    public static string Folder
    {
        get
        {
            var env = System.Environment.GetEnvironmentVariable("TUTORIALS_CACHE");
            if (!string.IsNullOrEmpty(env)) return env;
            var xdg = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = !string.IsNullOrEmpty(xdg)
                ? xdg
                : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "torchsharp-tutorials");
        }
    }

    /// <summary>What <see cref="GetOrCreate"/> did.</summary>
    public enum Outcome { Hit, Created, Rebuilt }

    /// <summary>
    /// Returns the path of cache entry <paramref name="name"/>, creating it with <paramref name="write"/>
    /// (which must write the whole file to the path it is given) when it is missing or fails its hash check.
    /// </summary>
    public static string GetOrCreate(string name, Action<string> write, out Outcome outcome)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        var hashPath = path + ".sha256";
        bool existed = File.Exists(path) || File.Exists(hashPath);
        if (File.Exists(path) && File.Exists(hashPath) && File.ReadAllText(hashPath).Trim() == Sha256(path))
        {
            outcome = Outcome.Hit;
            return path;
        }

        var temp = $"{path}.{System.Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            write(temp);
            if (!File.Exists(temp)) throw new InvalidOperationException($"The converter for {name} did not write {temp}.");
            var hash = Sha256(temp);
            File.Delete(hashPath);                      // no stale hash may vouch for the new file
            File.Move(temp, path, overwrite: true);
            File.WriteAllText(hashPath + ".tmp", hash);
            File.Move(hashPath + ".tmp", hashPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        outcome = existed ? Outcome.Rebuilt : Outcome.Created;
        return path;
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
