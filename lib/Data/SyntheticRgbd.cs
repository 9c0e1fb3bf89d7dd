using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Data;

/// <summary>A batch of synthetic RGB-D scenes, all tensors on the CPU.</summary>
/// <param name="Rgb">(N, 3, H, W) float RGB in [0, 1].</param>
/// <param name="Depth">(N, 1, H, W) float depth in metres divided by <see cref="SyntheticRgbd.MaxDepth"/> (so in [0, 1]).</param>
/// <param name="Mask">(N, H, W) int64 class per pixel (see <see cref="SyntheticRgbd.ClassNames"/>).</param>
/// <param name="Hidden">(N, H, W) bool: pixels whose front-most object is camouflaged (invisible in RGB).</param>
/// <param name="Scenes">The recipe of every scene (render one again with <see cref="SyntheticRgbd.Render"/>).</param>
public sealed record SyntheticRgbdSet(Tensor Rgb, Tensor Depth, Tensor Mask, Tensor Hidden, IReadOnlyList<SceneSpec> Scenes) : IDisposable
{
    public long Count => Mask.shape[0];

    /// <summary>
    /// Scenes <paramref name="start"/>..start+count-1 as views of these tensors (no copy). Used to carve a validation
    /// split off the training scenes: <c>set.Slice(0, n)</c> trains, <c>set.Slice(n, m)</c> validates.
    /// </summary>
    public SyntheticRgbdSet Slice(long start, long count)
    {
        if (start < 0 || count < 1 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"Expected scenes within 0..{Count - 1}, got {count} from {start}. Ask for fewer scenes or generate more.");
        return new SyntheticRgbdSet(Rgb.narrow(0, start, count), Depth.narrow(0, start, count), Mask.narrow(0, start, count),
            Hidden.narrow(0, start, count), Scenes.Skip((int)start).Take((int)count).ToList());
    }

    public void Dispose() { Rgb.Dispose(); Depth.Dispose(); Mask.Dispose(); Hidden.Dispose(); }
}

/// <summary>One object of a scene: a Fashion-MNIST silhouette at a distance, painted in a colour or camouflaged.</summary>
/// <param name="Item">Index into the split's item list.</param>
/// <param name="Class">Segmentation class (1 clothing, 2 footwear, 3 bag).</param>
/// <param name="X">Left edge in pixels (may be negative: objects can leave the frame).</param>
/// <param name="Y">Top edge in pixels.</param>
/// <param name="Size">Side of the square the 28×28 item is scaled to.</param>
/// <param name="Distance">Distance from the camera in metres (nearer objects occlude farther ones).</param>
/// <param name="Camouflaged">Paints nothing in RGB (what is behind it shows through): present in depth and the mask, absent in RGB.</param>
/// <param name="Colour">RGB tint in [0, 1] of a visible object.</param>
/// <param name="Flip">Mirrored left-right.</param>
public sealed record SceneObject(int Item, int Class, int X, int Y, int Size, double Distance, bool Camouflaged, (double R, double G, double B) Colour, bool Flip);

/// <summary>The recipe of one scene: a crop of a photo as the background wall and a few objects in front of it.</summary>
public sealed record SceneSpec(int Size, bool TestSplit, int Photo, int CropX, int CropY, int CropSide, bool FlipBackground, double Brightness,
    double WallDistance, double WallSlopeX, double WallSlopeY, double DepthNoise, int NoiseSeed, IReadOnlyList<SceneObject> Objects);

/// <summary>
/// A reproducible, <b>synthetic</b> RGB-D segmentation data set: no real RGB-D data can be had offline, so the kit
/// composes scenes from real image content. Each scene is a crop of a real photograph (data/photos) as a wall
/// 4.5–9 m away, with one to three Fashion-MNIST items (data/fashion-mnist-small) standing 2–4 m in front of it,
/// nearer ones occluding farther ones. The per-pixel label is the class of the front-most object
/// (background, clothing, footwear, bag); the depth map is the distance of what each pixel sees, plus sensor noise.
/// <para>
/// <b>Why depth helps, by design:</b> each object is <i>camouflaged</i> with probability
/// <see cref="Options.CamouflageFraction"/>: it paints nothing in RGB — whatever is behind it, the wall or a visible
/// object, shows through it, like a perfect cloak — so the RGB image is identical, byte for byte, to the scene
/// without it, yet it is plain in the depth map. No RGB-only model can segment those pixels; visible objects are
/// found from RGB alone. (Where a camouflaged object stands in front of a visible one, RGB shows the visible object
/// while the label is the camouflaged one's: RGB is not just silent there but points to the object behind.)
/// </para>
/// <para>
/// Determinism: scene <c>i</c> of seed <c>s</c> depends on (s, i, split) only (its own generator), so the first 100
/// scenes are the same whether you ask for 100 or 1,000. Training scenes use the 600 training items, held-out
/// scenes the 400 test items (unseen shapes); backgrounds are random crops of the same four photos.
/// </para>
/// </summary>
public static class SyntheticRgbd
{
    public static readonly IReadOnlyList<string> ClassNames = ["background", "clothing", "footwear", "bag"];

    /// <summary>Depth values are metres divided by this (the farthest wall is at most 9.5 m).</summary>
    public const double MaxDepth = 10.0;

    /// <summary>How scenes are drawn.</summary>
    public sealed record Options
    {
        /// <summary>Side of the square scenes in pixels; a multiple of 32 so every ResNet stage has whole cells.</summary>
        public int Size { get; init; } = 64;
        /// <summary>Probability that an object is camouflaged (invisible in RGB, visible in depth).</summary>
        public double CamouflageFraction { get; init; } = 0.5;
        public int MinObjects { get; init; } = 1;
        public int MaxObjects { get; init; } = 3;
        /// <summary>Standard deviation of the depth sensor's noise, in metres.</summary>
        public double DepthNoise { get; init; } = 0.05;

        public void Validate()
        {
            if (Size < 32 || Size % 32 != 0)
                throw new ArgumentException($"Expected a scene size that is a positive multiple of 32 (the ResNet's overall stride), got {Size}. Try 64 or 96.");
            if (CamouflageFraction is < 0 or > 1) throw new ArgumentException($"Expected CamouflageFraction in [0, 1], got {CamouflageFraction}.");
            if (MinObjects < 0 || MaxObjects < MinObjects) throw new ArgumentException($"Expected 0 <= MinObjects <= MaxObjects, got {MinObjects} and {MaxObjects}.");
        }
    }

    // Fashion-MNIST label → segmentation class: tops/trousers/dresses/coats/shirts = clothing, sandals/sneakers/boots = footwear.
    static readonly int[] ClassOfLabel = [1, 1, 1, 1, 1, 2, 1, 2, 3, 2];

    /// <summary>Scenes 0..count-1 of <paramref name="seed"/>, shapes from the training items.</summary>
    public static SyntheticRgbdSet Train(int count, int seed, Options? options = null) => Generate(count, seed, testSplit: false, options);

    /// <summary>Held-out scenes: shapes from the test items (never seen in training), a different seed stream.</summary>
    public static SyntheticRgbdSet Test(int count, int seed, Options? options = null) => Generate(count, seed, testSplit: true, options);

    public static SyntheticRgbdSet Generate(int count, int seed, bool testSplit, Options? options = null, SyntheticRgbdTextures? textures = null)
    {
        options ??= new Options();
        options.Validate();
        if (count < 1) throw new ArgumentException($"Expected at least one scene, got {count}.", nameof(count));
        textures ??= SyntheticRgbdTextures.Default;
        int s = options.Size, plane = s * s;
        var rgb = new float[count * 3 * plane];
        var depth = new float[count * plane];
        var mask = new long[count * plane];
        var hidden = new bool[count * plane];
        var specs = new SceneSpec[count];
        // Scenes are independent: render them in parallel, each into its own slice.
        Parallel.For(0, count, i =>
        {
            specs[i] = Sample(textures, options, seed, i, testSplit);
            var r = Render(specs[i], textures);
            r.Rgb.CopyTo(rgb, i * 3 * plane);
            r.Depth.CopyTo(depth, i * plane);
            r.Mask.CopyTo(mask, i * plane);
            r.Hidden.CopyTo(hidden, i * plane);
        });
        return new SyntheticRgbdSet(
            torch.tensor(rgb, [count, 3, s, s]), torch.tensor(depth, [count, 1, s, s]),
            torch.tensor(mask, [count, s, s]), torch.tensor(hidden, [count, s, s]), specs);
    }

    /// <summary>Draws the recipe of scene <paramref name="index"/> (no pixels yet).</summary>
    public static SceneSpec Sample(SyntheticRgbdTextures textures, Options options, int seed, int index, bool testSplit)
    {
        var rng = new Random(MixSeed(seed, index, testSplit ? 2 : 1));
        int s = options.Size;
        var items = testSplit ? textures.TestItems : textures.TrainItems;
        int photoIndex = rng.Next(textures.Photos.Count);
        var photo = textures.Photos[photoIndex];
        int shortSide = Math.Min(photo.Width, photo.Height);
        int side = rng.Next(Math.Min(s, shortSide), Math.Min(shortSide, s * 5 / 2) + 1);   // zoom 1×–2.5×
        int cropX = rng.Next(photo.Width - side + 1), cropY = rng.Next(photo.Height - side + 1);

        int n = rng.Next(options.MinObjects, options.MaxObjects + 1);
        var objects = new List<SceneObject>();
        for (int k = 0; k < n; k++)
        {
            int cls = 1 + rng.Next(3);                                  // classes equally likely, whatever the label mix
            int item;
            do item = rng.Next(items.Count); while (ClassOfLabel[items[item].Label] != cls);
            int size = (int)Math.Round(s * (0.38 + 0.3 * rng.NextDouble()));
            int x = rng.Next(-size / 5, s - size * 4 / 5 + 1), y = rng.Next(-size / 5, s - size * 4 / 5 + 1);
            objects.Add(new SceneObject(item, cls, x, y, size, Distance: 2.0 + 2.0 * rng.NextDouble(),
                Camouflaged: rng.NextDouble() < options.CamouflageFraction,
                Colour: (0.25 + 0.75 * rng.NextDouble(), 0.25 + 0.75 * rng.NextDouble(), 0.25 + 0.75 * rng.NextDouble()),
                Flip: rng.Next(2) == 1));
        }
        return new SceneSpec(s, testSplit, photoIndex, cropX, cropY, side, rng.Next(2) == 1,
            Brightness: 0.8 + 0.4 * rng.NextDouble(), WallDistance: 6.5 + 1.0 * rng.NextDouble(),
            WallSlopeX: rng.NextDouble() * 2 - 1, WallSlopeY: -1.5 * rng.NextDouble(), options.DepthNoise, NoiseSeed: rng.Next(), objects);
    }

    /// <summary>The pixels of one scene: RGB (3·H·W, channel-major), depth (H·W, normalised), mask and hidden (H·W).</summary>
    public sealed record Rendered(float[] Rgb, float[] Depth, long[] Mask, bool[] Hidden);

    /// <summary>Renders a recipe. Change a recipe (e.g. drop an object) and render again to see what changes.</summary>
    public static Rendered Render(SceneSpec spec, SyntheticRgbdTextures? textures = null)
    {
        textures ??= SyntheticRgbdTextures.Default;
        int s = spec.Size, plane = s * s;
        var photo = textures.Photos[spec.Photo];
        var items = spec.TestSplit ? textures.TestItems : textures.TrainItems;
        var rgb = new float[3 * plane];
        var dist = new double[plane];
        var mask = new long[plane];
        var hidden = new bool[plane];

        // The wall: a crop of the photo, resampled to s×s, on a slanted plane 4.5–9 m away.
        double scale = (double)spec.CropSide / s;
        for (int y = 0; y < s; y++)
            for (int x = 0; x < s; x++)
            {
                int sx = spec.FlipBackground ? s - 1 - x : x;
                for (int c = 0; c < 3; c++)
                {
                    double v = Bilinear(photo.Rgb, photo.Width, photo.Height, 3, c,
                        spec.CropX + (sx + 0.5) * scale - 0.5, spec.CropY + (y + 0.5) * scale - 0.5) / 255.0;
                    rgb[c * plane + y * s + x] = (float)Math.Clamp(v * spec.Brightness, 0, 1);
                }
                dist[y * s + x] = spec.WallDistance + spec.WallSlopeX * ((x + 0.5) / s - 0.5) + spec.WallSlopeY * ((y + 0.5) / s - 0.5) * 2;
            }

        // Objects, farthest first, so nearer ones occlude them. A camouflaged object paints nothing in RGB: whatever
        // is behind it (the wall, or a visible object) shows through, so the RGB image is exactly the image without it.
        // It still takes the mask, the hidden map and the depth of its pixels. (Repainting the wall instead would
        // cut a wall-coloured silhouette out of a visible object behind it: RGB evidence of a "hidden" object.)
        foreach (var o in spec.Objects.OrderByDescending(o => o.Distance))
        {
            var pixels = items[o.Item].Pixels;
            for (int v = 0; v < o.Size; v++)
                for (int u = 0; u < o.Size; u++)
                {
                    int x = o.X + u, y = o.Y + v;
                    if (x < 0 || y < 0 || x >= s || y >= s) continue;
                    double iu = ((o.Flip ? o.Size - 1 - u : u) + 0.5) * 28.0 / o.Size - 0.5, iv = (v + 0.5) * 28.0 / o.Size - 0.5;
                    double intensity = Bilinear(pixels, 28, 28, 1, 0, iu, iv) / 255.0;
                    if (intensity < 0.1) continue;                            // outside the silhouette
                    int p = y * s + x;
                    mask[p] = o.Class;
                    hidden[p] = o.Camouflaged;
                    dist[p] = o.Distance - 0.15 * intensity;                  // a slight relief: brighter cloth bulges out
                    if (o.Camouflaged) continue;                              // invisible in RGB: leave what is behind it
                    double shade = 0.35 + 0.65 * intensity;
                    rgb[p] = (float)(o.Colour.R * shade);
                    rgb[plane + p] = (float)(o.Colour.G * shade);
                    rgb[2 * plane + p] = (float)(o.Colour.B * shade);
                }
        }

        // The depth sensor: Gaussian noise, then metres → [0, 1].
        var noise = new Random(spec.NoiseSeed);
        var depth = new float[plane];
        for (int p = 0; p < plane; p++)
        {
            double g = Math.Sqrt(-2 * Math.Log(1 - noise.NextDouble())) * Math.Cos(2 * Math.PI * noise.NextDouble());
            depth[p] = (float)Math.Clamp((dist[p] + g * spec.DepthNoise) / MaxDepth, 0, 1);
        }
        return new Rendered(rgb, depth, mask, hidden);
    }

    /// <summary>Bilinear sample of channel <paramref name="c"/> at (x, y), clamped at the borders.</summary>
    static double Bilinear(byte[] image, int width, int height, int channels, int c, double x, double y)
    {
        x = Math.Clamp(x, 0, width - 1);
        y = Math.Clamp(y, 0, height - 1);
        int x0 = (int)x, y0 = (int)y, x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        double fx = x - x0, fy = y - y0;
        double At(int xx, int yy) => image[(yy * width + xx) * channels + c];
        return (At(x0, y0) * (1 - fx) + At(x1, y0) * fx) * (1 - fy) + (At(x0, y1) * (1 - fx) + At(x1, y1) * fx) * fy;
    }

    /// <summary>A well-mixed 31-bit seed for (seed, index, stream): neighbouring seeds share no scenes.</summary>
    static int MixSeed(int seed, int index, int stream)
    {
        ulong x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index * 0xBF58476D1CE4E5B9UL + (ulong)stream * 0x94D049BB133111EBUL);
        x ^= x >> 30; x = unchecked(x * 0xBF58476D1CE4E5B9UL);
        x ^= x >> 27; x = unchecked(x * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return (int)(x >> 33);
    }
}
