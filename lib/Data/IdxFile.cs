using System.Buffers.Binary;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Tutorials.Data;

/// <summary>Images (N, 28, 28) as bytes 0–255 and labels (N) as int64 class numbers 0–9.</summary>
public sealed record LabelledImages(Tensor Images, Tensor Labels) : IDisposable
{
    public long Count => Labels.shape[0];
    public void Dispose() { Images.Dispose(); Labels.Dispose(); }
}

/// <summary>
/// The IDX file format of the MNIST family (LeCun et al.): the MNIST digits (<see cref="MnistDigits"/>) and
/// Fashion-MNIST (<see cref="FashionMnist"/>) both ship as one images file and one labels file per split, gzipped or not.
/// </summary>
public static class IdxFile
{
    /// <summary>
    /// Reads <c>{split}-images-idx3-ubyte[.gz]</c> and <c>{split}-labels-idx1-ubyte[.gz]</c> from <paramref name="folder"/>;
    /// <paramref name="split"/> is "train" or "t10k", as the original files are named. <paramref name="dataSet"/>
    /// names the data set in error messages.
    /// </summary>
    public static LabelledImages ReadImagesAndLabels(string folder, string split, string dataSet)
    {
        var (imageDims, pixels) = Read(FindFile(folder, $"{split}-images-idx3-ubyte", dataSet));
        var (labelDims, labels) = Read(FindFile(folder, $"{split}-labels-idx1-ubyte", dataSet));
        if (imageDims.Length != 3 || labelDims.Length != 1 || imageDims[0] != labelDims[0])
            throw new InvalidDataException(
                $"{dataSet} '{split}' in {folder}: expected images (N, rows, cols) and N labels, " +
                $"got images ({string.Join(", ", imageDims)}) and labels ({string.Join(", ", labelDims)}).");
        var images = tensor(pixels, imageDims.Select(d => (long)d).ToArray(), ScalarType.Byte);
        var classes = tensor(labels.Select(b => (long)b).ToArray(), [labelDims[0]], ScalarType.Int64);
        return new LabelledImages(images, classes);
    }

    /// <summary>
    /// Reads one IDX file: a 4-byte big-endian magic number (0x08 = unsigned bytes in its third byte, the number of
    /// dimensions in its fourth), one big-endian int32 per dimension, then the values row by row.
    /// </summary>
    public static (int[] Dims, byte[] Values) Read(string path)
    {
        byte[] bytes;
        using (var file = File.OpenRead(path))
        using (var stream = path.EndsWith(".gz") ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file)
        using (var memory = new MemoryStream())
        {
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }
        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08)
            throw new InvalidDataException($"{path} is not an IDX file of unsigned bytes (magic number 0x0000080N).");
        int rank = bytes[3];
        var dims = new int[rank];
        for (int i = 0; i < rank; i++) dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
        int offset = 4 + 4 * rank;
        long count = dims.Aggregate(1L, (a, d) => a * d);
        if (bytes.Length - offset != count)
            throw new InvalidDataException($"{path}: header says {count} values, the file holds {bytes.Length - offset}. It may be truncated.");
        return (dims, bytes[offset..]);
    }

    static string FindFile(string folder, string stem, string dataSet)
    {
        foreach (var name in new[] { stem + ".gz", stem })
            if (File.Exists(Path.Combine(folder, name))) return Path.Combine(folder, name);
        throw new FileNotFoundException($"{dataSet} file {stem}(.gz) not found in {folder}.", Path.Combine(folder, stem + ".gz"));
    }
}
