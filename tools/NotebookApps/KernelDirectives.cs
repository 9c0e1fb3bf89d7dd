using System.Text.RegularExpressions;

namespace Tutorials.NotebookApps;

/// <summary>
/// The notebook kernel's own lines (<c>#r</c>, <c>#i</c>, <c>#!</c>) and their file-based-app counterparts:
/// <c>#r "nuget: X, V"</c> → <c>#:package X@V</c>, the kit library's DLL → <c>#:project</c> (built from source),
/// <c>#i "nuget: SOURCE"</c> → an extra restore source. Anything else is an error that says what to do.
/// </summary>
public static partial class KernelDirectives
{
    /// <summary>The app's reference to the kit library, relative to notebooks/apps/.</summary>
    public const string LibraryProject = "../../lib/Tutorials.Lib.csproj";

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*(?<name>[^,"]+?)\s*(?:,\s*(?<version>[^"]*?)\s*)?"\s*$""")]
    private static partial Regex NugetReference();

    [GeneratedRegex("""^\s*#r\s+"(?<path>[^"]+)"\s*$""")]
    private static partial Regex FileReference();

    [GeneratedRegex("""^\s*#i\s+"nuget:\s*(?<source>[^"]+?)\s*"\s*$""")]
    private static partial Regex PackageSource();

    /// <summary>True for a line the kernel handles itself rather than the C# compiler.</summary>
    public static bool IsKernelLine(string line)
    {
        var t = line.TrimStart();
        return t.StartsWith("#r ") || t.StartsWith("#r\t") || t.StartsWith("#i ") || t.StartsWith("#!") || t.StartsWith("#load ");
    }

    /// <summary>The app directive for one kernel line, or null when the line has no meaning outside a notebook.</summary>
    public static string? ToAppDirective(string line, string where)
    {
        if (NugetReference().Match(line) is { Success: true } p)
        {
            var version = p.Groups["version"].Value;
            if (version.Length == 0)
                throw new GeneratorException($"{where}: `{line.Trim()}` has no version. A file-based app needs one here (the app turns the " +
                                             "repository's central package management off); write the version pinned in Directory.Packages.props, " +
                                             $"e.g. #r \"nuget: {p.Groups["name"].Value}, <version>\".");
            return $"#:package {p.Groups["name"].Value}@{version}";
        }
        if (PackageSource().Match(line) is { Success: true } s)
            return $"#:property RestoreAdditionalProjectSources={s.Groups["source"].Value}";
        if (FileReference().Match(line) is { Success: true } f)
        {
            var path = f.Groups["path"].Value.Replace('\\', '/');
            if (path.EndsWith("lib/bin/kit/Tutorials.Lib.dll", StringComparison.Ordinal)) return $"#:project {LibraryProject}";
            throw new GeneratorException($"{where}: `{line.Trim()}` references an assembly file; file-based apps reference projects " +
                                         "(#:project) or packages (#:package), not DLLs. Reference the kit through \"../lib/bin/kit/Tutorials.Lib.dll\" " +
                                         "or a package through #r \"nuget: Name, Version\".");
        }
        var magic = line.Trim();
        if (magic.StartsWith("#load "))
            throw new GeneratorException($"{where}: `{magic}` loads a script file, which a file-based app cannot include. Move that code into lib/ " +
                                         "(the kit's library, which the app references as a project) and call it from the notebook.");
        if (magic is "#!csharp" or "#!c#" or "#!C#" or "#!time") return null;   // language selector / timing: no console meaning
        throw new GeneratorException($"{where}: the kernel directive `{magic}` has no file-based-app counterpart the generator knows. " +
                                     "Use plain C# in the notebook (or teach tools/NotebookApps/KernelDirectives.cs the mapping).");
    }
}
