using System.Security.Cryptography;
using Tutorials.Files;

namespace Tutorials.Pretrained;

/// <summary>
/// Converting weights from ONNX takes seconds; reading them back from TorchSharp's own format is fast. The
/// cache keeps each converted file once, written through a temporary name and a rename (so a crash never
/// leaves half a file under the real name), with a SHA-256 sidecar that is checked on every load: a partial
/// or corrupt file is rebuilt, not trusted. Concurrent callers convert once: the others wait for the first.
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
    /// Safe when several threads or processes ask at once (notebook runs and test collections on a fresh
    /// machine): one converts while holding <c>&lt;entry&gt;.lock</c>, the others wait and then find the entry.
    /// Every temporary file has a unique name, so no two writers ever share one.
    /// </summary>
    public static string GetOrCreate(string name, Action<string> write, out Outcome outcome)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name);
        var hashPath = path + ".sha256";
        if (IsValid(path, hashPath))
        {
            outcome = Outcome.Hit;
            return path;
        }

        using var held = ExclusiveLock(path + ".lock", name);
        if (IsValid(path, hashPath))                    // another thread or process created it while we waited
        {
            outcome = Outcome.Hit;
            return path;
        }
        bool existed = File.Exists(path) || File.Exists(hashPath);
        File.Delete(hashPath);                          // no stale hash may vouch for the file being replaced
        AtomicFile.Write(path, temp =>
        {
            write(temp);
            if (!File.Exists(temp)) throw new InvalidOperationException($"The converter for {name} did not write {temp}.");
        });
        AtomicFile.WriteText(hashPath, Sha256(path));  // written last: a hash file means the weights beside it are whole
        outcome = existed ? Outcome.Rebuilt : Outcome.Created;
        ReleaseConversionMemory();
        return path;
    }

    /// <summary>
    /// A conversion reads a whole model into memory (the file's bytes, the parsed ONNX graph, the tensors: a few
    /// hundred MB) and needs none of it once the cache file is written. The garbage collector would keep that heap,
    /// and glibc the native pages, for the rest of the process, on top of everything the notebook allocates later:
    /// a first run on a new machine peaked ~0.4–0.7 GB higher than later runs. Collect and return them now.
    /// </summary>
    static void ReleaseConversionMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        Tutorials.Environment.FreedMemory.ReturnToSystem();
    }

    static bool IsValid(string path, string hashPath)
    {
        try
        {
            return File.Exists(path) && File.Exists(hashPath) && File.ReadAllText(hashPath).Trim() == Sha256(path);
        }
        catch (IOException)
        {
            return false;                               // replaced while we read it: treat as missing, then wait for the lock
        }
    }

    /// <summary>
    /// An exclusive lock on a small file, shared by threads and processes (on Linux and macOS .NET takes an
    /// advisory <c>flock</c>; the operating system drops it if the holder dies). Waits for the holder to finish.
    /// </summary>
    static FileStream ExclusiveLock(string lockPath, string name)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockTimeout)
            {
                Thread.Sleep(100);
            }
            catch (IOException e)
            {
                throw new IOException(
                    $"Waited {LockTimeout.TotalMinutes:0} min for another process converting {name} (lock {lockPath}). " +
                    "If no other notebook or test run is converting weights, delete the lock file and try again.", e);
            }
        }
    }

    /// <summary>How long a second converter waits for the first (the slowest conversion takes well under a minute).</summary>
    static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
