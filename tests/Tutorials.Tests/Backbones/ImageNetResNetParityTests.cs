namespace Tutorials.Tests.Backbones;

/// <summary>
/// The imported TorchSharp network against ONNX Runtime running the package's own model, on real photographs
/// at the model's native 224×224 (a multiple of 32, where symmetric padding matches the CNTK export exactly).
/// Tolerance: max |difference| ≤ 1e-4 on the 512 pooled features (features are O(1); float32 summation order
/// differs between the two libraries, nothing else should).
/// </summary>
[Collection(PretrainedResNetCollection.Name)]
public class ImageNetResNetParityTests(PretrainedResNetFixture fixture)
{
    const float Tolerance = 1e-4f;

    [Theory]
    [MemberData(nameof(Photos))]
    public void SameInputGivesTheSameFeaturesAsOnnxRuntime(string photo)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var image = Ppm.Photo(photo);
        var input = fixture.Preprocess.Apply(image.Rgb, image.Height, image.Width);

        var ours = fixture.Backbone.forward(input).flatten();
        var reference = torch.tensor(fixture.Onnx.Features(input.contiguous().data<float>().ToArray()));

        Assert.Equal(512, ours.shape[0]);
        var difference = (ours - reference).abs().max().item<float>();
        Console.WriteLine($"{photo}: max |TorchSharp - ONNX Runtime| = {difference:E2} (features up to {reference.abs().max().item<float>():F2})");
        Assert.True(difference <= Tolerance, $"{photo}: max |difference| {difference:E2} > {Tolerance:E0}");
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void EndToEndFromPixelsMatchesTheTwoPackageModels(string photo)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var image = Ppm.Photo(photo);

        // TorchSharp: [0,1] float image → ResNetPreprocess → ResNetBackbone.
        var unit = torch.tensor(image.Rgb, [224, 224, 3], ScalarType.Byte).permute(2, 0, 1).unsqueeze(0).to_type(ScalarType.Float32) / 255f;
        var ours = fixture.Backbone.forward(fixture.Preprocess.Apply(unit)).flatten();

        // ONNX Runtime: ResNetPreprocess.onnx → ResNet18.onnx, fed RGB planes 0-255 as ML.NET does.
        var planar = torch.tensor(image.Rgb, [224, 224, 3], ScalarType.Byte).permute(2, 0, 1).to_type(ScalarType.Float32);
        var reference = torch.tensor(fixture.Onnx.Features(fixture.Onnx.Preprocess(planar.contiguous().data<float>().ToArray())));

        var difference = (ours - reference).abs().max().item<float>();
        Console.WriteLine($"{photo}: end to end, max |TorchSharp - ONNX Runtime| = {difference:E2}");
        Assert.True(difference <= Tolerance, $"{photo}: end-to-end max |difference| {difference:E2} > {Tolerance:E0}");
    }

    [Fact]
    public void DifferentPhotosGiveClearlyDifferentFeatures()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var features = torch.cat(Ppm.PhotoNames.Select(name =>
        {
            var image = Ppm.Photo(name);
            return fixture.Backbone.forward(fixture.Preprocess.Apply(image.Rgb, 224, 224));
        }).ToArray());
        var unit = nn.functional.normalize(features, dim: 1);
        var cosine = unit.matmul(unit.T);
        // Off-diagonal similarities well below 1: the features are not a constant (e.g. from dead weights).
        var offDiagonal = cosine - torch.eye(4) * cosine;
        Assert.True(offDiagonal.max().item<float>() < 0.9f, $"max cosine between different photos {offDiagonal.max().item<float>()}");
    }

    public static TheoryData<string> Photos => new(Ppm.PhotoNames.ToArray());
}
