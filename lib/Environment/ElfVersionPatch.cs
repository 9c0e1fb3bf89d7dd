using System.Buffers.Binary;
using System.Text;
using Tutorials.Files;

namespace Tutorials.Environment;

/// <summary>
/// Reads and edits the ELF symbol-version requirements (<c>.gnu.version_r</c>) of a shared library.
///
/// Why this exists: TorchSharp 0.107's <c>libLibTorchSharp.so</c> was linked against GCC 13 and so
/// "requires" <c>GLIBCXX_3.4.32</c>, which Debian 12 / Ubuntu 22.04 do not have. Only one symbol carries
/// that version (<c>_ZSt21ios_base_library_initv</c>, a link-time marker that is never called), so marking
/// the requirement weak (<c>VER_FLG_WEAK</c>) lets the dynamic loader accept the library. Two bytes change.
/// </summary>
public static class ElfVersionPatch
{
    const ushort VerFlgWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>One required version entry (a Vernaux record) found in the file.</summary>
    public sealed record Requirement(string Library, string Version, ushort Flags, long FlagsOffset)
    {
        public bool IsWeak => (Flags & VerFlgWeak) != 0;
    }

    /// <summary>Lists every version requirement of an ELF64 little-endian shared library.</summary>
    public static IReadOnlyList<Requirement> ReadRequirements(string path) => ReadRequirements(ReadElf(path), path);

    static IReadOnlyList<Requirement> ReadRequirements(byte[] elf, string path)
    {
        var span = elf.AsSpan();
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        if (shoff == 0 || shnum == 0 || shentsize < 64 || (long)shoff + (long)shnum * shentsize > elf.Length)
            throw Bad(path, "its section header table is missing or lies outside the file");


        var result = new List<Requirement>();
        for (int i = 0; i < shnum; i++)
        {
            var sh = span.Slice((int)shoff + i * shentsize, shentsize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != ShtGnuVerneed) continue;
            long offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]);
            uint link = BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(sh[0x2C..]); // sh_info = number of Verneed entries
            if (link >= shnum) throw Bad(path, ".gnu.version_r links to a string table that does not exist");
            long strOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(span.Slice((int)shoff + (int)link * shentsize, shentsize)[0x18..]);

            long vn = offset;
            for (uint n = 0; n < count; n++)
            {
                Check(path, vn, 16, elf.Length);
                ushort cnt = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(vn + 2)..]);
                string file = ReadString(elf, strOffset + BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vn + 4)..]), path);
                long aux = vn + BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vn + 8)..]);
                for (int a = 0; a < cnt; a++)
                {
                    Check(path, aux, 16, elf.Length);
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(span[(int)(aux + 4)..]);
                    string name = ReadString(elf, strOffset + BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(aux + 8)..]), path);
                    result.Add(new Requirement(file, name, flags, aux + 4));
                    uint next = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(aux + 12)..]);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vn + 12)..]);
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        return result;
    }

    /// <summary>Lists the versions an ELF library defines (<c>.gnu.version_d</c>), e.g. GLIBCXX_3.4.30 for libstdc++.</summary>
    public static IReadOnlySet<string> ReadDefinedVersions(string path)
    {
        var elf = ReadElf(path);
        var span = elf.AsSpan();
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3A..]);
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3C..]);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < shnum; i++)
        {
            var sh = span.Slice((int)shoff + i * shentsize, shentsize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(sh[4..]) != 0x6ffffffd) continue; // SHT_GNU_verdef
            long vd = (long)BinaryPrimitives.ReadUInt64LittleEndian(sh[0x18..]);
            uint link = BinaryPrimitives.ReadUInt32LittleEndian(sh[0x28..]);
            uint count = BinaryPrimitives.ReadUInt32LittleEndian(sh[0x2C..]);
            long strOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(span.Slice((int)shoff + (int)link * shentsize, shentsize)[0x18..]);
            for (uint n = 0; n < count; n++)
            {
                Check(path, vd, 20, elf.Length);
                long aux = vd + BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vd + 12)..]);
                Check(path, aux, 8, elf.Length);
                names.Add(ReadString(elf, strOffset + BinaryPrimitives.ReadUInt32LittleEndian(span[(int)aux..]), path));
                uint next = BinaryPrimitives.ReadUInt32LittleEndian(span[(int)(vd + 16)..]);
                if (next == 0) break;
                vd += next;
            }
        }
        return names;
    }

    /// <summary>
    /// Marks the requirement on <paramref name="version"/> as weak. Returns false when it already was
    /// (idempotent). The file is rewritten through a temporary file and a rename, so a crash never leaves
    /// a half-written library behind. Throws <see cref="InvalidDataException"/> for a file that is not an
    /// ELF64 little-endian library or that does not require <paramref name="version"/>.
    /// </summary>
    public static bool MarkRequirementWeak(string path, string version)
    {
        var elf = ReadElf(path);
        var matches = ReadRequirements(elf, path).Where(r => r.Version == version).ToList();
        if (matches.Count == 0)
            throw Bad(path, $"it does not require symbol version {version}, so there is nothing to make weak");
        if (matches.All(m => m.IsWeak)) return false;

        foreach (var m in matches)
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)m.FlagsOffset), (ushort)(m.Flags | VerFlgWeak));

        AtomicFile.WriteBytes(path, elf);   // rename: readers see the old or the new library, never half of one; mode kept
        return true;
    }

    static byte[] ReadElf(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Expected a shared library at {path}, but no file is there.", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 64 || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw Bad(path, "it does not start with the ELF magic bytes 7F 45 4C 46");
        if (bytes[4] != 2 || bytes[5] != 1)
            throw Bad(path, $"it is ELF class {bytes[4]} / data encoding {bytes[5]}, expected 64-bit little-endian (2 / 1)");
        return bytes;
    }

    static string ReadString(byte[] elf, long offset, string path)
    {
        if (offset < 0 || offset >= elf.Length) throw Bad(path, "a version name points outside the file");
        int end = Array.IndexOf(elf, (byte)0, (int)offset);
        if (end < 0) throw Bad(path, "a version name is not terminated");
        return Encoding.ASCII.GetString(elf, (int)offset, end - (int)offset);
    }

    static void Check(string path, long offset, int size, int length)
    {
        if (offset < 0 || offset + size > length) throw Bad(path, "a version record lies outside the file");
    }

    static InvalidDataException Bad(string path, string why) =>
        new($"Cannot patch {path}: {why}. Expected TorchSharp's native library libLibTorchSharp.so (ELF64, x86-64). " +
            "The file was left unchanged. Restore the TorchSharp package again (dotnet restore) if the file is damaged.");
}
