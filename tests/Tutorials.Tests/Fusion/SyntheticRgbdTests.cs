using Tutorials.Data;

namespace Tutorials.Tests.Fusion;

public class SyntheticRgbdTests
{
    static readonly SyntheticRgbd.Options Options = new();

    [Fact]
    public void TheSameSeedGivesTheSameScenesAndAnotherSeedOthers()
    {
        using var a = SyntheticRgbd.Train(12, seed: 5);
        using var b = SyntheticRgbd.Train(12, seed: 5);
        using var c = SyntheticRgbd.Train(12, seed: 6);
        using var longer = SyntheticRgbd.Train(20, seed: 5);
        Assert.True(Same(a.Rgb, b.Rgb) && Same(a.Depth, b.Depth) && Same(a.Mask, b.Mask) && Same(a.Hidden, b.Hidden));
        Assert.False(Same(a.Rgb, c.Rgb));
        Assert.True(Same(a.Mask, longer.Mask.narrow(0, 0, 12)), "scene i must not depend on how many scenes are asked for");
        Assert.Equal(new long[] { 12, 3, 64, 64 }, a.Rgb.shape);
        Assert.Equal(new long[] { 12, 1, 64, 64 }, a.Depth.shape);
        Assert.Equal(new long[] { 12, 64, 64 }, a.Mask.shape);
    }

    [Fact]
    public void HeldOutScenesUseOtherShapesAndOtherScenes()
    {
        using var train = SyntheticRgbd.Train(8, seed: 1);
        using var test = SyntheticRgbd.Test(8, seed: 1);
        Assert.All(test.Scenes, s => Assert.True(s.TestSplit));
        Assert.False(Same(train.Rgb, test.Rgb));
    }

    [Fact]
    public void CamouflagedObjectsAreInvisibleInRgbButNotInDepth()
    {
        // The designed case: removing every camouflaged object leaves the RGB image byte for byte the same, while
        // the true mask changes. So no function of the RGB image alone can get both scenes right: the mask is not
        // recoverable from RGB there. The depth map does change, and tells the two apart.
        var textures = SyntheticRgbdTextures.Default;
        int checkedScenes = 0;
        for (int i = 0; i < 40 && checkedScenes < 5; i++)
        {
            var spec = SyntheticRgbd.Sample(textures, Options, seed: 3, index: i, testSplit: false);
            if (!spec.Objects.Any(o => o.Camouflaged)) continue;
            var with = SyntheticRgbd.Render(spec, textures);
            if (!with.Hidden.Any(h => h)) continue;                      // fully occluded by a visible object
            var without = SyntheticRgbd.Render(spec with { Objects = spec.Objects.Where(o => !o.Camouflaged).ToList() }, textures);
            Assert.Equal(with.Rgb, without.Rgb);
            Assert.NotEqual(with.Mask, without.Mask);
            int hiddenPixels = with.Hidden.Count(h => h);
            int depthDiffers = Enumerable.Range(0, with.Depth.Length).Count(p => with.Hidden[p] && with.Depth[p] < without.Depth[p] - 0.05f);
            Assert.True(depthDiffers == hiddenPixels, $"scene {i}: every hidden pixel must be nearer than the wall behind it ({depthDiffers} of {hiddenPixels}).");
            checkedScenes++;
        }
        Assert.True(checkedScenes >= 5, "expected several scenes with a visible camouflaged object among the first 40");
    }

    [Fact]
    public void ObjectsAreAlwaysNearerThanTheWallAndAboutHalfAreHidden()
    {
        using var set = SyntheticRgbd.Train(64, seed: 7);
        var objects = set.Mask.gt(0);
        float nearestWall = set.Depth.squeeze(1).masked_select(objects.logical_not()).min().item<float>();
        float farthestObject = set.Depth.squeeze(1).masked_select(objects).max().item<float>();
        Assert.True(farthestObject < nearestWall, $"objects (up to {farthestObject}) must be nearer than every wall pixel (from {nearestWall}).");
        double hiddenShare = set.Hidden.sum().item<long>() / (double)objects.sum().item<long>();
        Assert.InRange(hiddenShare, 0.3, 0.7);
        Assert.True(set.Rgb.min().item<float>() >= 0 && set.Rgb.max().item<float>() <= 1);
    }

    [Fact]
    public void BadOptionsSayWhatIsExpected()
    {
        var error = Assert.Throws<ArgumentException>(() => SyntheticRgbd.Train(4, seed: 0, new SyntheticRgbd.Options { Size = 50 }));
        Assert.Contains("multiple of 32", error.Message);
        Assert.Contains("50", error.Message);
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
