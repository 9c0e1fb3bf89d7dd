namespace Tutorials.Environment;

/// <summary>Versions the kit was built and verified with (Directory.Packages.props holds the pins).</summary>
public static class Versions
{
    public const string TorchSharp = "0.107.0";
    /// <summary>The libtorch version TorchSharp 0.107.0 is built against (the kit pins libtorch-cpu-&lt;rid&gt; at it).</summary>
    public const string LibTorch = "2.10.0";
}
