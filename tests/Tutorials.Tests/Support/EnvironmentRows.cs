using System.Runtime.InteropServices;

namespace Tutorials.Tests.Support;

/// <summary>What the kit's environment checks leave behind: a row of <see cref="Kit.EnvironmentReport"/>, and a
/// variable as native code (libtorch, oneDNN) sees it in the C environment rather than .NET's copy.</summary>
static class EnvironmentRows
{
    [DllImport("libc.so.6", EntryPoint = "getenv")]
    static extern IntPtr GetEnv(string name);

    /// <summary>The value of the report's row <paramref name="item"/>; fails naming the rows there when it is missing.</summary>
    public static string ReportRow(string item)
    {
        var report = Kit.EnvironmentReport();
        var items = report.Columns["item"].Cast<string>().ToList();
        int row = items.IndexOf(item);
        Assert.True(row >= 0, $"no row '{item}' in the environment report: {string.Join(", ", items)}");
        return (string)report.Columns["value"][row];
    }

    /// <summary>The variable in the C environment (null when unset).</summary>
    public static string? Native(string name) => Marshal.PtrToStringAnsi(GetEnv(name));
}
