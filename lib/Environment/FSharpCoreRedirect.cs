using System.Reflection;
using System.Runtime.Loader;

namespace Tutorials.Environment;

/// <summary>
/// Plotly.NET 6.0.0 is compiled against FSharp.Core 10.1.0.0, but the .NET Interactive kernel has already
/// loaded its own FSharp.Core 10.0.0.0, so the first chart fails with "Could not load file or assembly
/// 'FSharp.Core, Version=10.1.0.0'". Answering that request with the FSharp.Core already in the process
/// works: Plotly.NET uses nothing from 10.1 that 10.0 lacks.
/// </summary>
public static class FSharpCoreRedirect
{
    static bool _installed;

    /// <summary>Installs the redirect once. Returns the FSharp.Core version that will be used, if loaded.</summary>
    public static Version? Install()
    {
        if (!_installed)
        {
            AssemblyLoadContext.Default.Resolving += (context, name) =>
                name.Name == "FSharp.Core" ? LoadedFSharpCore() : null;
            _installed = true;
        }
        return LoadedFSharpCore()?.GetName().Version;
    }

    static Assembly? LoadedFSharpCore() =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core");
}
