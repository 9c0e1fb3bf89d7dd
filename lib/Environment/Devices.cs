using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Environment;

/// <summary>
/// Picks the device code runs on. CPU is the default; CUDA is used when the CUDA backend package
/// (TorchSharp-cuda-linux) is referenced instead of the CPU build of libtorch (libtorch-cpu-&lt;rid&gt;) and a GPU answers. The variable
/// <c>TUTORIALS_DEVICE</c> (<c>cpu</c> or <c>cuda</c>) overrides the choice.
/// </summary>
public static class Devices
{
    public const string Variable = "TUTORIALS_DEVICE";
    static Device? _default;

    /// <summary>The device notebooks train on.</summary>
    public static Device Default => _default ??= Choose();

    /// <summary>True when a CUDA backend is loaded and a GPU answers.</summary>
    public static bool CudaAvailable
    {
        get
        {
            TorchSharpNativeFix.Apply();
            // Ask before any autograd call: TorchSharp may not bring CUDA up later in the process.
            try { return torch.TryInitializeDeviceType(DeviceType.CUDA) && torch.cuda.is_available(); }
            catch (Exception) { return false; }
        }
    }

    static Device Choose()
    {
        var wanted = System.Environment.GetEnvironmentVariable(Variable)?.Trim().ToLowerInvariant();
        bool cuda = CudaAvailable;
        switch (wanted)
        {
            case null or "": return cuda ? torch.CUDA : torch.CPU;
            case "cpu": return torch.CPU;
            case "cuda" when cuda: return torch.CUDA;
            case "cuda":
                throw new InvalidOperationException(
                    $"{Variable}=cuda, but no CUDA device answers. The kit references the CPU build of libtorch (libtorch-cpu-<rid>); for a GPU, reference " +
                    "TorchSharp-cuda-linux 0.107.0 instead (see README, 'Running on a GPU'), or unset the variable to use the CPU.");
            default:
                throw new ArgumentException($"{Variable} is '{wanted}', expected 'cpu' or 'cuda'.");
        }
    }
}
