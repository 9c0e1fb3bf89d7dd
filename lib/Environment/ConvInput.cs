using static TorchSharp.torch;

namespace Tutorials.Environment;

/// <summary>
/// Hands convolutions their input in the standard contiguous (N, C, H, W) memory layout.
/// <para>
/// Why: a tensor's values do not depend on its layout, but libtorch picks a different convolution kernel for a
/// "channels-last" tensor (strides N, 1, W·C, C — what <c>permute(0, 3, 1, 2)</c> of decoded H×W×C bytes gives,
/// and what <c>to_type</c>, <c>flip</c> and arithmetic keep). On an AMD EPYC with AVX-512, libtorch 2.10 CPU
/// (TorchSharp 0.107) computes a 1×1 stride-2 convolution 256→512 on a 14×14 channels-last input wrongly
/// (max error 1.28 on outputs of about 2.4; the pretrained ResNet's layer4 then differs by up to 6.0), while the
/// same convolution on a contiguous input is right. Other CPUs compute both correctly, so the bug hides there.
/// Every kit network calls <see cref="Contiguous"/> where its input enters, so the layout a caller happens to
/// pass can never change a result. <see cref="Environment.ChannelsLastConvCheck"/> tells whether this machine is affected.
/// </para>
/// </summary>
public static class ConvInput
{
    /// <summary>The same values in contiguous layout; the tensor itself (no copy) when it already is contiguous.</summary>
    public static Tensor Contiguous(Tensor input) => input.is_contiguous() ? input : input.contiguous();
}
