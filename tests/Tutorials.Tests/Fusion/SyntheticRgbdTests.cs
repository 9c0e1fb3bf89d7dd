using Tutorials.Data;
using Tutorials.Training;

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

    // What "hidden" means (data/synthetic-rgbd/README.md): a camouflaged object paints nothing in RGB. The RGB image
    // is byte for byte the image of the same scene without it: the wall shows through it, and so does a visible
    // object behind it. Only the depth map, the mask and the hidden map change.
    const int Seeds = 25, ScenesPerSeed = 16;

    [Fact]
    public void CamouflagedObjectsLeaveRgbExactlyAsWithoutThemOverManySeeds()
    {
        // Sampled layouts: 25 seeds × 16 scenes of each split, every scene that has a camouflaged object.
        var textures = SyntheticRgbdTextures.Default;
        int checkedScenes = 0, camouflagedOverVisible = 0;
        for (int seed = 0; seed < Seeds; seed++)
            for (int i = 0; i < ScenesPerSeed; i++)
                foreach (bool testSplit in new[] { false, true })
                {
                    var spec = SyntheticRgbd.Sample(textures, Options, seed, i, testSplit);
                    if (!spec.Objects.Any(o => o.Camouflaged)) continue;
                    camouflagedOverVisible += CheckInvisibleInRgb(spec, textures, $"seed {seed}, scene {i}, {(testSplit ? "test" : "train")}");
                    checkedScenes++;
                }
        Assert.True(checkedScenes >= Seeds * ScenesPerSeed, $"expected at least {Seeds * ScenesPerSeed} sampled scenes with a camouflaged object, got {checkedScenes}");
        Assert.True(camouflagedOverVisible > 0, "expected some sampled scenes where a camouflaged object stands in front of a visible one");
    }

    [Fact]
    public void ACamouflagedObjectInFrontOfAVisibleOneLetsItShowThrough()
    {
        // Constructed overlaps: a visible object and a camouflaged one at the same place, every order of distance,
        // for 25 seeds' backgrounds and shapes, plus a third object overlapping both. These are the layouts where a
        // renderer that "paints the wall" over a camouflaged object would leave a wall-coloured silhouette in RGB.
        var textures = SyntheticRgbdTextures.Default;
        int layouts = 0;
        for (int seed = 0; seed < Seeds; seed++)
        {
            var baseSpec = SyntheticRgbd.Sample(textures, Options, seed, index: 0, testSplit: false);
            var rng = new Random(seed);
            int Item(int cls) { int k; do k = rng.Next(textures.TrainItems.Count); while (ClassOf(textures.TrainItems[k].Label) != cls); return k; }
            var visible = new SceneObject(Item(1), 1, X: 8, Y: 8, Size: 40, Distance: 3.0, Camouflaged: false, (0.9, 0.3, 0.2), Flip: false);
            var camouflaged = new SceneObject(Item(3), 3, X: 14 + rng.Next(6), Y: 12 + rng.Next(6), Size: 40, Distance: 2.5, Camouflaged: true, (0.2, 0.8, 0.4), Flip: seed % 2 == 1);
            var third = new SceneObject(Item(2), 2, X: 20, Y: 24, Size: 36, Distance: 2.2, Camouflaged: false, (0.3, 0.4, 0.9), Flip: false);
            var layoutsOfSeed = new List<IReadOnlyList<SceneObject>>
            {
                new[] { visible, camouflaged },                                  // camouflaged in front of visible
                new[] { visible with { Distance = 2.4 }, camouflaged },          // visible in front of camouflaged
                new[] { visible, camouflaged, third },                           // a visible object in front of both
                new[] { visible, camouflaged, third with { Camouflaged = true } }, // two camouflaged, one behind the other
                new[] { camouflaged with { Distance = 3.5 }, visible with { Camouflaged = true }, third }, // all orders mixed
            };
            foreach (var objects in layoutsOfSeed)
            {
                int overVisible = CheckInvisibleInRgb(baseSpec with { Objects = objects }, textures, $"seed {seed}, constructed layout {layouts % layoutsOfSeed.Count}");
                layouts++;
                if (ReferenceEquals(objects, layoutsOfSeed[0]))
                    Assert.True(overVisible > 0, $"seed {seed}: the camouflaged object must cover part of the visible one in this layout");
            }
        }
        Assert.Equal(Seeds * 5, layouts);
    }

    /// <summary>
    /// Asserts the camouflage contract on one scene and returns 1 when a camouflaged pixel lies over a visible
    /// object (the case that needs care), else 0: RGB identical to the scene without the camouflaged objects;
    /// where a camouflaged object is front-most the mask says its class, the hidden map is set, the depth is nearer.
    /// </summary>
    static int CheckInvisibleInRgb(SceneSpec spec, SyntheticRgbdTextures textures, string where)
    {
        var with = SyntheticRgbd.Render(spec, textures);
        var without = SyntheticRgbd.Render(spec with { Objects = spec.Objects.Where(o => !o.Camouflaged).ToList() }, textures);
        var wall = SyntheticRgbd.Render(spec with { Objects = [] }, textures);
        int plane = spec.Size * spec.Size;
        int firstRgbDifference = Enumerable.Range(0, with.Rgb.Length).FirstOrDefault(k => with.Rgb[k] != without.Rgb[k], -1);
        Assert.True(firstRgbDifference < 0,
            $"{where}: RGB must be byte for byte the image without the camouflaged objects; pixel {firstRgbDifference % plane} differs.");
        bool overVisible = false;
        for (int p = 0; p < plane; p++)
        {
            if (!with.Hidden[p]) continue;
            Assert.True(with.Mask[p] > 0, $"{where}: hidden pixel {p} must be an object pixel");
            Assert.True(with.Depth[p] < wall.Depth[p] - 0.05f, $"{where}: hidden pixel {p} must be nearer than the wall behind it in depth");
            if (without.Mask[p] > 0) overVisible = true;                     // a visible object shows through here
        }
        if (with.Hidden.Any(h => h)) Assert.NotEqual(with.Mask, without.Mask);
        return overVisible ? 1 : 0;
    }

    static int ClassOf(int label) => label switch { 5 or 7 or 9 => 2, 8 => 3, _ => 1 };

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
    public void SliceCarvesAValidationSplitWithoutOverlap()
    {
        using var all = SyntheticRgbd.Train(10, seed: 4);
        var train = all.Slice(0, 7);
        var val = all.Slice(7, 3);
        Assert.Equal(7, train.Count);
        Assert.Equal(3, val.Count);
        Assert.True(Same(val.Rgb, all.Rgb.narrow(0, 7, 3)) && Same(val.Mask, all.Mask.narrow(0, 7, 3)) && Same(val.Hidden, all.Hidden.narrow(0, 7, 3)));
        Assert.Equal(all.Scenes.Skip(7), val.Scenes);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => all.Slice(8, 3));
        Assert.Contains("0..9", error.Message);
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
