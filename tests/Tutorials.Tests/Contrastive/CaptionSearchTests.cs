using Tutorials.Contrastive;
using Tutorials.Data;
using static TorchSharp.torch;
using Tutorials.Losses;
using Tutorials.Notebooks;

namespace Tutorials.Tests.Contrastive;

/// <summary>Caption → image search as notebook 03 shows it, and the check of its inline losses against the kit's.</summary>
public class CaptionSearchTests
{
    // Three pairs in a 2-d space: image i sits exactly on caption i; pairs 0 and 2 say the same thing.
    static readonly List<CaptionedImage> Pairs =
    [
        new(0, 1, Dark: true, Large: true, 0, "a large dark trouser"),
        new(1, 8, Dark: false, Large: false, 0, "a small light bag"),
        new(2, 1, Dark: true, Large: true, 1, "dark trousers, large size"),
    ];

    static (Tensor Images, Tensor Texts) Space()
    {
        var points = tensor(new float[] { 1, 0, 0, 1, 0.9f, 0.1f }).reshape(3, 2);
        return (points, points.clone());
    }

    [Fact]
    public void AQueryFindsItsOwnImageFirstAndMarksEquallyRightOnes()
    {
        using var gray = zeros(3, 4, 4, dtype: ScalarType.Byte);
        var rows = CaptionSearch.TopImages([Pairs[0]], Space(), Pairs, gray, classOnly: [8], k: 2);
        var (query, images, correct) = Assert.Single(rows);
        Assert.Equal("a large dark trouser", query);
        Assert.Equal(new long[] { 2, 4, 4 }, images.shape);
        Assert.Equal([true, true], correct);                     // itself, then pair 2: same class and attributes
        var bag = CaptionSearch.TopImages([Pairs[1]], Space(), Pairs, gray, classOnly: [8], k: 1);
        Assert.Equal([true], bag[0].Correct);                    // a held-out class: any image of the class counts
    }

    [Fact]
    public void AQueryThatIsNotOneOfTheSearchedPairsIsRefused()
    {
        using var gray = zeros(3, 4, 4, dtype: ScalarType.Byte);
        var stranger = new CaptionedImage(9, 3, Dark: false, Large: true, 0, "a large light dress");
        var ex = Assert.Throws<ArgumentException>(() => CaptionSearch.TopImages([stranger], Space(), Pairs, gray, classOnly: [8]));
        Assert.Contains("one of the searched pairs", ex.Message);
        Assert.Contains("\"a large light dress\"", ex.Message);
    }

    [Fact]
    public void ExampleQueriesNameWhatIsMissing()
    {
        var ex = Assert.Throws<ArgumentException>(() => CaptionSearch.ExampleQueries(Pairs));   // no sneaker among them
        Assert.Contains("a sneaker", ex.Message);
    }

    [Fact]
    public void InlineLossCheckShowsAWrongLossAsADifferentNumber()
    {
        var same = InlineLossCheck.Compare((i, t, y, m) => ContrastiveLosses.Margin(i, t, y, m), (i, t, y, m) => ContrastiveLosses.HadsellMargin(i, t, y, m),
            (i, t, s) => ContrastiveLosses.InfoNce(i, t, s));
        var values = System.Text.RegularExpressions.Regex.Matches(same, @"\d+\.\d{5}").Select(m => m.Value).ToList();
        Assert.Equal(6, values.Count);
        Assert.Equal(values[0], values[1]);
        Assert.Equal(values[2], values[3]);
        Assert.Equal(values[4], values[5]);
        // The margin on d instead of d²: a typical slip, visible in the first pair of numbers.
        var wrong = InlineLossCheck.Compare((i, t, y, m) => ContrastiveLosses.HadsellMargin(i, t, y, m), (i, t, y, m) => ContrastiveLosses.HadsellMargin(i, t, y, m),
            (i, t, s) => ContrastiveLosses.InfoNce(i, t, s));
        var w = System.Text.RegularExpressions.Regex.Matches(wrong, @"\d+\.\d{5}").Select(m => m.Value).ToList();
        Assert.NotEqual(w[0], w[1]);
    }
}
