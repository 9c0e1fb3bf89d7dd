using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Tutorials.Tests.Support;

/// <summary>Reads package pins from Directory.Packages.props and #r directives from notebooks.</summary>
public static partial class NotebookPins
{
    public static Dictionary<string, string> CentralPins()
    {
        var props = XDocument.Load(Path.Combine(Repo.Root, "Directory.Packages.props"));
        return props.Descendants("PackageVersion").ToDictionary(
            e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
    }

    [GeneratedRegex("#r\\s+\"nuget:\\s*([^,\"]+?)\\s*(?:,\\s*([^\"]+?))?\\s*\"")]
    private static partial Regex NugetDirective();

    public static IEnumerable<(string Package, string? Version)> NugetReferences(string notebook) =>
        CodeCells(notebook).SelectMany(c => NugetDirective().Matches(c)).Select(m =>
            (m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null));

    public static IEnumerable<string> CodeCells(string notebook)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(notebook));
        return doc.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => Source(c.GetProperty("source"))).ToList();
    }

    public static string FirstCodeCell(string notebook) => CodeCells(notebook).First();

    static string Source(JsonElement e) =>
        e.ValueKind == JsonValueKind.Array ? string.Concat(e.EnumerateArray().Select(x => x.GetString())) : e.GetString() ?? "";
}
