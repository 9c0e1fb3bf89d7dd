namespace Tutorials.Tests;

public class SmokeTensorTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        using var x = torch.arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        Assert.Equal(15f, x.sum().item<float>());
    }
}
