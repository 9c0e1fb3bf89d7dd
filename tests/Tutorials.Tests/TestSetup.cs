using System.Runtime.CompilerServices;

namespace Tutorials.Tests;

static class TestSetup
{
    /// <summary>Every test process applies the kit's environment fix before any test touches libtorch.</summary>
    [ModuleInitializer]
    internal static void Init() => Kit.EnsureNativeFix();
}
