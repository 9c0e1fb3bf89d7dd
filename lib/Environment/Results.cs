using System.Globalization;
using System.Text.Json;

namespace Tutorials.Environment;

/// <summary>
/// Key results a notebook states (an accuracy, a speed-up). Each one is shown in the notebook and, when the
/// notebook runs under the kit's runner, appended to the file named by <c>TUTORIALS_RESULTS_FILE</c>, which
/// the runner copies into <c>summary.json</c>. Tests assert on these numbers.
/// </summary>
public static class Results
{
    public const string FileVariable = "TUTORIALS_RESULTS_FILE";
    static readonly Dictionary<string, double> _reported = new();

    /// <summary>Everything reported so far in this kernel.</summary>
    public static IReadOnlyDictionary<string, double> Reported => _reported;

    /// <summary>Records a key result and returns a one-line description of it.</summary>
    public static string Report(string name, double value, string? unit = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A result needs a name, e.g. \"fused_accuracy\".", nameof(name));
        if (double.IsNaN(value) || double.IsInfinity(value))
            throw new ArgumentException($"Result '{name}' is {value}; a key result must be a finite number. Check the computation that produced it.");
        _reported[name] = value;
        var file = System.Environment.GetEnvironmentVariable(FileVariable);
        if (!string.IsNullOrEmpty(file))
        {
            var line = JsonSerializer.Serialize(new { name, value, unit });
            File.AppendAllText(file, line + "\n"); // one JSON object per line; appends are whole lines
        }
        return $"{name} = {value.ToString("G6", CultureInfo.InvariantCulture)}{(unit is null ? "" : " " + unit)}";
    }
}
