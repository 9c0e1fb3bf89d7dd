using System.Diagnostics;

namespace Tutorials.Files;

/// <summary>
/// Writes a file so that nobody ever reads half of it: the content goes to a temporary file beside the target,
/// then one rename puts it in place (on one file system a rename is all-or-nothing). The kit's one home for this:
/// the weight cache, exported chart pages, patched native libraries and pretrained weights all write through it.
/// <para>
/// The temporary name is unique (<c>target.&lt;process id&gt;.&lt;random&gt;.tmp</c>), so two processes writing the same
/// target never share one. A process killed halfway (Ctrl+C during a weight conversion, a kernel restart) leaves
/// its temporary file behind; the next write to the same target deletes such leftovers of processes that are gone.
/// </para>
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Calls <paramref name="writeTo"/> with a temporary path to write, then renames that file to <paramref name="path"/>
    /// (replacing it). If <paramref name="writeTo"/> throws, or writes nothing, the target is left as it was.
    /// </summary>
    public static void Write(string path, Action<string> writeTo)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        SweepLeftovers(full);
        var temp = $"{full}.{System.Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            writeTo(temp);
            if (!File.Exists(temp))
                throw new InvalidOperationException(
                    $"Expected the writer to create the temporary file '{temp}' for '{full}', but it wrote nothing there. " +
                    "Write to the path you are given, not to the final one.");
            if (File.Exists(full) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, File.GetUnixFileMode(full));   // a replaced file keeps its permissions
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) through <see cref="Write(string, Action{string})"/>.</summary>
    public static void WriteText(string path, string text) => Write(path, temp => File.WriteAllText(temp, text));

    /// <summary>Writes <paramref name="bytes"/> through <see cref="Write(string, Action{string})"/>.</summary>
    public static void WriteBytes(string path, byte[] bytes) => Write(path, temp => File.WriteAllBytes(temp, bytes));

    /// <summary>
    /// Deletes <c>target.&lt;pid&gt;.&lt;random&gt;.tmp</c> files whose process no longer runs. A live process's file is
    /// kept: it may be writing right now. Returns how many were deleted.
    /// </summary>
    public static int SweepLeftovers(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) return 0;
        var prefix = Path.GetFileName(full) + ".";
        int deleted = 0;
        foreach (var candidate in Directory.EnumerateFiles(folder, prefix + "*.tmp"))
        {
            var middle = Path.GetFileName(candidate)[prefix.Length..^".tmp".Length].Split('.');
            if (middle.Length != 2 || !int.TryParse(middle[0], out int pid) || IsRunning(pid)) continue;
            try { File.Delete(candidate); deleted++; }
            catch (IOException) { }                     // another process swept it first
            catch (UnauthorizedAccessException) { }
        }
        return deleted;
    }

    static bool IsRunning(int pid)
    {
        if (pid == System.Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }     // no process with that id
        catch (InvalidOperationException) { return false; }
    }
}
