using System.Text.Json;
using Tutorials.Contrastive;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Contrastive;

/// <summary>
/// The kit's losses against values computed independently by PyTorch (scripts/contrastive/make_loss_fixtures.py,
/// float64): the loss and its gradients with respect to both embedding matrices and, for InfoNCE, the logit scale
/// (once at CLIP's initial value, once above the ln 100 cap, where the gradient must be zero).
/// Tolerance: 1e-5 absolute, computed here in float64 too.
/// </summary>
public class ContrastiveLossFixtureTests
{
    const double Tolerance = 1e-5;

    static IEnumerable<JsonElement> Cases(string loss)
    {
        var path = Path.Combine(Repo.Root, "data", "pytorch-fixtures", "contrastive-losses.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Where(c => c.GetProperty("loss").GetString() == loss).Select(c => c.Clone()).ToList();
    }

    static Tensor Matrix(JsonElement e)
    {
        var rows = e.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return torch.tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length], ScalarType.Float64).requires_grad_(true);
    }

    static void AssertClose(Tensor actual, JsonElement expected, string what)
    {
        using var e = Matrix(expected).detach();
        double diff = (actual - e).abs().max().item<double>();
        Assert.True(diff <= Tolerance, $"{what}: max |diff| {diff:E2} > {Tolerance:E0}");
    }

    [Fact]
    public void MarginLossMatchesPyTorchValuesAndGradients()
    {
        var cases = Cases("margin").ToList();
        Assert.Equal(2, cases.Count);
        foreach (var c in cases)
        {
            using var scope = torch.NewDisposeScope();
            var image = Matrix(c.GetProperty("image"));
            var text = Matrix(c.GetProperty("text"));
            var keys = torch.tensor(c.GetProperty("keys").EnumerateArray().Select(k => k.GetInt64()).ToArray());
            var labels = ContrastiveLosses.SameKey(keys, keys).to_type(ScalarType.Float64);
            var loss = ContrastiveLosses.Margin(image, text, labels, c.GetProperty("margin").GetDouble());
            loss.backward();
            string name = c.GetProperty("name").GetString()!;
            Assert.True(Math.Abs(loss.item<double>() - c.GetProperty("value").GetDouble()) <= Tolerance, $"margin/{name}: value {loss.item<double>()} vs {c.GetProperty("value").GetDouble()}");
            AssertClose(image.grad!, c.GetProperty("grad_image"), $"margin/{name}: d loss / d image");
            AssertClose(text.grad!, c.GetProperty("grad_text"), $"margin/{name}: d loss / d text");
        }
    }

    [Fact]
    public void InfoNceMatchesPyTorchValuesAndGradientsIncludingTheLogitScale()
    {
        var cases = Cases("infonce").ToList();
        Assert.Equal(2, cases.Count);
        foreach (var c in cases)
        {
            using var scope = torch.NewDisposeScope();
            var image = Matrix(c.GetProperty("image"));
            var text = Matrix(c.GetProperty("text"));
            var scale = torch.tensor(c.GetProperty("logit_scale").GetDouble(), ScalarType.Float64).requires_grad_(true);
            var loss = ContrastiveLosses.InfoNce(image, text, scale);
            loss.backward();
            string name = c.GetProperty("name").GetString()!;
            Assert.True(Math.Abs(loss.item<double>() - c.GetProperty("value").GetDouble()) <= Tolerance, $"infonce/{name}: value {loss.item<double>()} vs {c.GetProperty("value").GetDouble()}");
            AssertClose(image.grad!, c.GetProperty("grad_image"), $"infonce/{name}: d loss / d image");
            AssertClose(text.grad!, c.GetProperty("grad_text"), $"infonce/{name}: d loss / d text");
            double gs = scale.grad!.item<double>(), expected = c.GetProperty("grad_logit_scale").GetDouble();
            Assert.True(Math.Abs(gs - expected) <= Tolerance, $"infonce/{name}: d loss / d logit_scale {gs} vs {expected}");
        }
    }

    [Fact]
    public void InitialAndMaximumLogitScaleAreClipsValues()
    {
        Assert.Equal(Math.Log(1 / 0.07), ContrastiveLosses.InitialLogitScale, 12);
        Assert.Equal(Math.Log(100), ContrastiveLosses.MaxLogitScale, 12);
    }

    [Fact]
    public void LossesRejectMismatchedShapes()
    {
        using var a = torch.zeros(4, 8);
        using var b = torch.zeros(4, 6);
        var ex = Assert.Throws<ArgumentException>(() => ContrastiveLosses.InfoNce(a, b, torch.tensor(1f)));
        Assert.Contains("same shape", ex.Message);
        Assert.Throws<ArgumentException>(() => ContrastiveLosses.Margin(a, a, torch.ones(3, 3)));
    }
}
