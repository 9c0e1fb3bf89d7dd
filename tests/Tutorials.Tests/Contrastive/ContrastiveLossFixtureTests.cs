using System.Text.Json;
using Tutorials.Contrastive;
using Tutorials.Tests.Support;
using Tutorials.Losses;

namespace Tutorials.Tests.Contrastive;

/// <summary>
/// The kit's losses against values computed independently by PyTorch (scripts/contrastive/make_loss_fixtures.py,
/// float64; the article's margin loss written there from the article's text with torch.cdist): the loss and its gradients with respect to both embedding matrices and, for InfoNCE, the logit scale
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

    [Theory]
    [InlineData("margin")]    // the article's: linear hinge on d², written from its text in the script
    [InlineData("hadsell")]   // Hadsell et al.'s: squared hinge on d
    public void MarginLossesMatchPyTorchValuesAndGradients(string lossName)
    {
        Func<Tensor, Tensor, Tensor, double, Tensor> loss = lossName == "margin"
            ? (i, t, y, m) => ContrastiveLosses.Margin(i, t, y, m)
            : (i, t, y, m) => ContrastiveLosses.HadsellMargin(i, t, y, m);
        var cases = Cases(lossName).ToList();
        Assert.Equal(3, cases.Count);
        foreach (var c in cases)
        {
            using var scope = torch.NewDisposeScope();
            var image = Matrix(c.GetProperty("image"));
            var text = Matrix(c.GetProperty("text"));
            var keys = torch.tensor(c.GetProperty("keys").EnumerateArray().Select(k => k.GetInt64()).ToArray());
            var labels = ContrastiveLosses.SameKey(keys, keys).to_type(ScalarType.Float64);
            var value = loss(image, text, labels, c.GetProperty("margin").GetDouble());
            value.backward();
            string name = $"{lossName}/{c.GetProperty("name").GetString()}";
            Assert.True(Math.Abs(value.item<double>() - c.GetProperty("value").GetDouble()) <= Tolerance, $"{name}: value {value.item<double>()} vs {c.GetProperty("value").GetDouble()}");
            AssertClose(image.grad!, c.GetProperty("grad_image"), $"{name}: d loss / d image");
            AssertClose(text.grad!, c.GetProperty("grad_text"), $"{name}: d loss / d text");
        }
    }

    /// <summary>
    /// A case small enough to work by hand. image = (0,0), (1,0); text = (0,0), (0,0.5); y = identity.
    /// d² = [[0, 0.25], [1, 1.25]], d = [[0, 0.5], [1, 1.118]].
    /// Article: (0 + (1 − 0.25) + max(0, 1 − 1) + 1.25) / 4 = 0.5.  Hadsell: (0 + (1 − 0.5)² + 0 + 1.25) / 4 = 0.375.
    /// </summary>
    [Fact]
    public void TheTwoMarginLossesDifferOnAHandWorkedCase()
    {
        using var scope = torch.NewDisposeScope();
        var image = torch.tensor(new double[] { 0, 0, 1, 0 }, [2, 2]);
        var text = torch.tensor(new double[] { 0, 0, 0, 0.5 }, [2, 2]);
        var y = torch.eye(2, dtype: ScalarType.Float64);
        Assert.Equal(0.5, ContrastiveLosses.Margin(image, text, y).item<double>(), 12);
        Assert.Equal(0.375, ContrastiveLosses.HadsellMargin(image, text, y).item<double>(), 12);
    }

    /// <summary>
    /// The push on a non-matching pair inside the margin: the article's loss has ∂/∂d² = −1 wherever d² &lt; margin
    /// (constant), Hadsell's has ∂/∂d² = −(margin − d)/d, which fades to 0 as d reaches the margin.
    /// </summary>
    [Fact]
    public void ArticlesPushIsConstantInSquaredDistanceWhileHadsellsFades()
    {
        foreach (double d2Value in new[] { 0.1, 0.5, 0.9 })
        {
            using var scope = torch.NewDisposeScope();
            var image = torch.tensor(new double[] { Math.Sqrt(d2Value), 0 }, [1, 2]).requires_grad_(true);
            var text = torch.zeros(1, 2, dtype: ScalarType.Float64);
            var y = torch.zeros(1, 1, dtype: ScalarType.Float64);                   // a non-matching pair
            ContrastiveLosses.Margin(image, text, y).backward();
            double articleSlope = image.grad![0, 0].item<double>() / (2 * Math.Sqrt(d2Value));   // ∂loss/∂d² = (∂loss/∂x) / (2x)
            image.grad!.zero_();
            ContrastiveLosses.HadsellMargin(image, text, y).backward();
            double hadsellSlope = image.grad![0, 0].item<double>() / (2 * Math.Sqrt(d2Value));
            double d = Math.Sqrt(d2Value);
            Assert.Equal(-1.0, articleSlope, 9);
            Assert.Equal(-(1 - d) / d, hadsellSlope, 9);
        }
    }

    [Fact]
    public void MarginRejectsTheArticlesLabelVectorWithAnExplanation()
    {
        using var a = torch.zeros(3, 4);
        var ex = Assert.Throws<ArgumentException>(() => ContrastiveLosses.Margin(a, a, torch.tensor(new float[] { 1, 0, 0 })));
        Assert.Contains("3×3 label matrix", ex.Message);
        Assert.Contains("broadcast", ex.Message);
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
        Assert.Throws<ArgumentException>(() => ContrastiveLosses.HadsellMargin(a, a, torch.ones(3, 3)));
    }
}
