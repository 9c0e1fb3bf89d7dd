namespace Tutorials.Tests.Support;

public static class Tensors
{
    /// <summary>Same shape and bit-identical float values.</summary>
    public static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.to_type(ScalarType.Float32).data<float>().ToArray().SequenceEqual(b.to_type(ScalarType.Float32).data<float>().ToArray());
}
