namespace Tutorials.Environment;

/// <summary>Versions the kit was built and verified with (Directory.Packages.props holds the pins).</summary>
public static class Versions
{
    public const string TorchSharp = "0.107.0";
    /// <summary>The libtorch build inside TorchSharp-cpu 0.107.0.</summary>
    public const string LibTorch = "2.10.0";
}
