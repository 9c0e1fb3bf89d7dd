using System.Text.Json;
namespace Tutorials.Runner;

/// <summary>Reads the key results a notebook reported (Tutorials.Results writes one JSON object per line).</summary>
static class ResultsFile
{
    public static Dictionary<string, double> Read(string path)
    {
        var result = new Dictionary<string, double>();
        if (!File.Exists(path)) return result;
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            result[doc.RootElement.GetProperty("name").GetString()!] = doc.RootElement.GetProperty("value").GetDouble();
        }
        return result;
    }
}
