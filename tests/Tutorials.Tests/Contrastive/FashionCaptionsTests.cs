using Tutorials.Data;

namespace Tutorials.Tests.Contrastive;

/// <summary>The generated caption data: deterministic, splits as documented, attributes read off the pixels.</summary>
public class FashionCaptionsTests
{
    [Fact]
    public void CaptionsFollowTheTemplates()
    {
        Assert.Equal("a large dark coat", FashionCaptions.Caption(4, dark: true, large: true, template: 0));
        Assert.Equal("this sandal is light and small", FashionCaptions.Caption(5, dark: false, large: false, template: 5));
        Assert.Equal("dark jumper, small size", FashionCaptions.Caption(2, dark: true, large: false, template: 2, name: 2));
    }

    [Fact]
    public void AttributesAreMeasuredOnThePixels()
    {
        var pixels = new byte[28 * 28];
        for (int i = 0; i < 196; i++) pixels[i] = 102;              // a quarter of the frame at 40 % intensity
        var (brightness, fill) = FashionCaptions.Measure(pixels);
        Assert.Equal(0.4, brightness, 9);
        Assert.Equal(0.25, fill, 9);
    }

    [Fact]
    public void SplitsKeepHeldOutClassesAndPhrasingsOutOfTraining()
    {
        using var train = FashionMnist.LoadSmallTrain();
        using var test = FashionMnist.LoadSmallTest();
        var set = FashionCaptions.Build(train, test, validationPerClass: 10, captionsPerTrainImage: 2);
        Assert.DoesNotContain(set.Train.Concat(set.Validation).Concat(set.Test), p => FashionCaptions.HeldOutClasses.Contains(p.Label));
        Assert.All(set.ZeroShot, p => Assert.Contains(p.Label, FashionCaptions.HeldOutClasses));
        Assert.All(set.Train.Concat(set.Validation), p => Assert.True(p.Template < FashionCaptions.TrainTemplateCount));
        Assert.All(set.Test.Concat(set.ZeroShot), p => Assert.True(p.Template >= FashionCaptions.TrainTemplateCount));
        Assert.Empty(set.Train.Select(p => p.ImageIndex).Intersect(set.Validation.Select(p => p.ImageIndex)));
        Assert.Equal(70, set.Validation.Count);
        Assert.Equal(2 * (7 * 60 - 70), set.Train.Count);
        Assert.Equal(280, set.Test.Count);
        Assert.Equal(120, set.ZeroShot.Count);
        // The zero-shot validation images: held-out classes only, from the training split, 60 per class (never trained on).
        Assert.Equal(180, set.ZeroShotValidation.Count);
        Assert.All(set.ZeroShotValidation, p => Assert.Contains(p.Label, FashionCaptions.HeldOutClasses));
        Assert.Empty(set.ZeroShotValidation.Select(p => p.ImageIndex).Intersect(set.Train.Concat(set.Validation).Select(p => p.ImageIndex)));
        // Both attribute values occur (the thresholds are medians), and the content key says what the caption says.
        Assert.Contains(set.Test, p => p.Dark);
        Assert.Contains(set.Test, p => !p.Large);
        Assert.All(set.Test, p => Assert.Contains(p.Dark ? "dark" : "light", p.Caption));

        var again = FashionCaptions.Build(train, test, validationPerClass: 10, captionsPerTrainImage: 2);
        Assert.Equal(set.Train.Select(p => p.Caption), again.Train.Select(p => p.Caption));
        Assert.Equal(7 * 30, FashionCaptions.Build(train, test, trainImagesPerClass: 30).Train.Count);
    }
}

/// <summary>The committed listing data/fashion-captions/captions.tsv is what the generator produces.</summary>
public class FashionCaptionsListingTests
{
    [Fact]
    public void CommittedListingMatchesTheGenerator()
    {
        using var train = FashionMnist.LoadSmallTrain();
        using var test = FashionMnist.LoadSmallTest();
        var set = FashionCaptions.Build(train, test, validationPerClass: 10, captionsPerTrainImage: 2);
        var lines = new List<string> { "split\timage_row\tclass\tdark\tlarge\tcontent_key\ttemplate\tcaption" };
        foreach (var (split, pairs) in new[] { ("train", set.Train), ("validation", set.Validation), ("test", set.Test), ("zero-shot", set.ZeroShot), ("zero-shot validation", set.ZeroShotValidation) })
            lines.AddRange(pairs.Select(p => $"{split}\t{p.ImageIndex}\t{FashionCaptions.PromptNames[p.Label]}\t{(p.Dark ? 1 : 0)}\t{(p.Large ? 1 : 0)}\t{p.ContentKey}\t{p.Template}\t{p.Caption}"));
        var expected = string.Join("\n", lines) + "\n";
        var path = Path.Combine(Tutorials.Tests.Support.Repo.Root, "data", "fashion-captions", "captions.tsv");
        if (System.Environment.GetEnvironmentVariable("UPDATE_FASHION_CAPTIONS") == "1")
        {
            var tmp = path + ".tmp";
            File.WriteAllText(tmp, expected);
            File.Move(tmp, path, overwrite: true);
        }
        Assert.True(File.Exists(path), $"{path} is missing: run scripts/contrastive/make_captions.sh");
        Assert.True(expected == File.ReadAllText(path),
            "data/fashion-captions/captions.tsv differs from what lib/Data/FashionCaptions.cs generates: run scripts/contrastive/make_captions.sh and commit the result.");
    }
}
