namespace Tutorials.Pretrained;

/// <summary>One row of the name map: a torchvision-style parameter name, the ONNX initializer that holds its values, and its shape.</summary>
public sealed record NameMapEntry(string TorchName, string OnnxName, long[] Shape);

/// <summary>
/// Which ONNX initializer of the packaged CNTK ResNet (anonymous names such as <c>Parameter91</c>) is which
/// torchvision-style parameter (<c>conv1.weight</c>). The table was worked out once by following the ONNX graph
/// (which Conv / BatchNormalization node consumes each initializer) and verified against ONNX Runtime; it is
/// embedded in the library from <c>lib/Pretrained/resnet18-onnx-name-map.tsv</c>, a copy of the project's
/// reference table <c>shared/reference/resnet18-onnx-name-map.tsv</c>.
/// </summary>
public static class ResNetOnnxNameMap
{
    const string ResourceName = "Tutorials.Pretrained.resnet18-onnx-name-map.tsv";
    static IReadOnlyList<NameMapEntry>? _entries;

    /// <summary>All 110 rows, in the order of the table.</summary>
    public static IReadOnlyList<NameMapEntry> Entries => _entries ??= ReadEmbedded();

    /// <summary>Parses the table: tab-separated name, initializer, shape like <c>64x3x7x7</c>; '#' lines are comments.</summary>
    public static IReadOnlyList<NameMapEntry> Parse(TextReader reader)
    {
        var rows = new List<NameMapEntry>();
        string? line;
        int lineNumber = 0;
        bool headerSeen = false;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (!headerSeen) { headerSeen = true; continue; }    // torchvision_name  onnx_initializer  shape
            var cells = line.Split('\t');
            if (cells.Length != 3)
                throw new InvalidDataException($"Name map line {lineNumber}: expected 3 tab-separated cells, got {cells.Length}: '{line}'.");
            rows.Add(new NameMapEntry(cells[0], cells[1], cells[2].Split('x').Select(long.Parse).ToArray()));
        }
        return rows;
    }

    static IReadOnlyList<NameMapEntry> ReadEmbedded()
    {
        using var stream = typeof(ResNetOnnxNameMap).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Resource {ResourceName} is missing from Tutorials.Lib; rebuild the library.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
