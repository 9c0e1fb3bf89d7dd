using System.Globalization;
using Microsoft.Data.Analysis;
using static TorchSharp.torch;
using Tutorials.Contrastive;
using Tutorials.Files;

namespace Tutorials.Data;

/// <summary>One image–caption pair: which image (row of its Fashion-MNIST split), what the caption says, the caption.</summary>
/// <param name="ImageIndex">Row of the image in its split (train or test).</param>
/// <param name="Label">Fashion-MNIST class 0–9.</param>
/// <param name="Dark">Attribute read off the pixels: the garment's pixels are darker than the threshold.</param>
/// <param name="Large">Attribute read off the pixels: the garment fills more of the frame than the median of its class.</param>
/// <param name="Template">Index of the phrasing in <see cref="FashionCaptions.Templates"/>.</param>
/// <param name="Caption">The generated caption.</param>
public sealed record CaptionedImage(int ImageIndex, int Label, bool Dark, bool Large, int Template, string Caption)
{
    /// <summary>What the caption says, as one number: class × 4 + dark × 2 + large. Equal keys = equally right captions.</summary>
    public long ContentKey => Label * 4L + (Dark ? 2 : 0) + (Large ? 1 : 0);
}

/// <summary>Thresholds that turn pixel statistics into words, fixed from the training split.</summary>
/// <param name="Brightness">Mean foreground intensity (0–1) below which an item is "dark".</param>
/// <param name="FillByClass">Per class: fraction of the 28×28 frame covered above which an item is "large".</param>
public sealed record AttributeThresholds(double Brightness, double[] FillByClass);

/// <summary>The splits of the caption data set (see <see cref="FashionCaptions.Build"/>).</summary>
public sealed record FashionCaptionSet(
    IReadOnlyList<CaptionedImage> Train, IReadOnlyList<CaptionedImage> Validation, IReadOnlyList<CaptionedImage> Test,
    IReadOnlyList<CaptionedImage> ZeroShot, IReadOnlyList<CaptionedImage> ZeroShotValidation, AttributeThresholds Thresholds)
{
    /// <summary>The image rows of <paramref name="pairs"/> as an int64 tensor (for <c>index_select</c>).</summary>
    public static Tensor ImageRows(IEnumerable<CaptionedImage> pairs) => tensor(pairs.Select(p => (long)p.ImageIndex).ToArray());

    /// <summary>The content keys of <paramref name="pairs"/> as an int64 tensor (what retrieval counts as correct).</summary>
    public static Tensor ContentKeys(IEnumerable<CaptionedImage> pairs) => tensor(pairs.Select(p => p.ContentKey).ToArray());

    /// <summary>One line: pairs (and distinct images) per split, and the zero-shot classes by name.</summary>
    public string Summary(IReadOnlyList<string> classNames) =>
        $"train {Train.Count} pairs ({Train.Select(p => p.ImageIndex).Distinct().Count()} images), validation {Validation.Count}, " +
        $"test {Test.Count} (held-out phrasings), zero-shot {ZeroShot.Count} images of {string.Join(", ", ZeroShot.Select(p => p.Label).Distinct().Order().Select(c => classNames[c]))} " +
        $"(validation: {ZeroShotValidation.Count} training-split images of the same classes)";

    /// <summary>The first few pairs of the training, test and zero-shot splits as a table: split, class, caption.</summary>
    public DataFrame Preview(IReadOnlyList<string> classNames, int train = 4, int test = 3, int zeroShot = 2)
    {
        var rows = Train.Take(train).Select(p => ("train", p)).Concat(Test.Take(test).Select(p => ("test", p)))
            .Concat(ZeroShot.Take(zeroShot).Select(p => ("zero-shot", p))).ToList();
        return new DataFrame(
            new StringDataFrameColumn("split", rows.Select(r => r.Item1)),
            new StringDataFrameColumn("class", rows.Select(r => classNames[r.p.Label])),
            new StringDataFrameColumn("caption", rows.Select(r => r.p.Caption)));
    }
}

/// <summary>
/// Image–caption pairs built from real Fashion-MNIST images (Zalando Research, MIT). No captioned data set is
/// available offline, so captions are <b>generated</b> from each image's class label and two attributes that are
/// <b>measured on its pixels</b>:
/// <list type="bullet">
/// <item><b>dark / light</b>: mean intensity of the garment's pixels (those above <see cref="ForegroundLevel"/>)
/// against the median over the training split;</item>
/// <item><b>small / large</b>: fraction of the frame the garment covers, against the median of its class in the
/// training split (a large sandal is still smaller than a small coat).</item>
/// </list>
/// Each class has several names (<see cref="Names"/>) and captions come in several phrasings
/// (<see cref="Templates"/>): the first <see cref="TrainTemplateCount"/> are used for training and validation, the
/// others only for the test captions, so evaluation pairs are unseen images <i>and</i> unseen phrasings.
/// The classes in <see cref="HeldOutClasses"/> never appear in training: they are the zero-shot test.
/// Everything is deterministic (no random numbers): the same images give the same captions.
/// Provenance: data/fashion-captions/PROVENANCE.md.
/// </summary>
public static class FashionCaptions
{
    /// <summary>The name used in zero-shot prompts ("a photo of a {name}").</summary>
    public static readonly IReadOnlyList<string> PromptNames =
        ["t-shirt", "pair of trousers", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"];

    /// <summary>
    /// Class descriptions that name what the item <i>looks like</i>, two per class, for zero-shot prompts. Why: a bare
    /// name means only what the text encoder learned of it ("sandal" sits no closer to "sneaker" than to "bag" in
    /// MiniLM); words for shape and parts ("shoe", "straps", "sleeves", "handle") link a new class to the seen ones
    /// the image side was trained on. Written once from what the classes look like, not tuned on test images.
    /// </summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> Descriptions =
    [
        ["a t-shirt, a top with short sleeves", "a photo of a tee, a short-sleeved top"],
        ["a pair of trousers, two long legs", "a photo of pants with two long straight legs"],
        ["a pullover, a knitted sweater with long sleeves", "a photo of a jumper with long sleeves"],
        ["a dress, a long one-piece garment", "a photo of a dress that widens towards the hem"],
        ["a coat, a jacket with long sleeves and buttons", "a photo of a long jacket with a zip or buttons"],
        ["a sandal, an open shoe with thin straps", "a photo of a sandal, a flat summer shoe with straps"],
        ["a shirt with a collar, buttons and long sleeves", "a photo of a button-up shirt with long sleeves"],
        ["a sneaker, a low sports shoe with laces", "a photo of a running shoe"],
        ["a bag, a handbag with a handle", "a photo of a bag, a rectangular handbag with a strap"],
        ["an ankle boot, a shoe that covers the ankle", "a photo of a short boot with a heel"],
    ];

    /// <summary>Names a caption may use for each class (the first is <see cref="PromptNames"/>'s).</summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> Names =
    [
        ["t-shirt", "top", "tee"],
        ["pair of trousers", "pair of pants"],
        ["pullover", "sweater", "jumper"],
        ["dress", "frock"],
        ["coat", "jacket"],
        ["sandal", "open sandal"],
        ["shirt", "button-up shirt"],
        ["sneaker", "trainer", "running shoe"],
        ["bag", "handbag"],
        ["ankle boot", "boot"],
    ];

    /// <summary>Caption phrasings: {0} = size word, {1} = brightness word, {2} = class name.</summary>
    public static readonly IReadOnlyList<string> Templates =
    [
        "a {0} {1} {2}",
        "a photo of a {0}, {1} {2}",
        "{1} {2}, {0} size",
        "a picture of a {0} {2} in a {1} tone",
        // held out: test captions only
        "an image showing a {1}, {0} {2}",
        "this {2} is {1} and {0}",
    ];

    /// <summary>Templates 0…3 train; 4 and 5 are only seen at test time.</summary>
    public const int TrainTemplateCount = 4;

    /// <summary>Classes kept out of training entirely: sandal, shirt, bag.</summary>
    public static readonly IReadOnlyList<int> HeldOutClasses = [5, 6, 8];

    /// <summary>Pixel value (0–255) above which a pixel belongs to the garment.</summary>
    public const int ForegroundLevel = 20;

    /// <summary>Mean foreground intensity (0–1) and covered fraction of one 28×28 image.</summary>
    public static (double Brightness, double Fill) Measure(ReadOnlySpan<byte> pixels)
    {
        int count = 0; long sum = 0;
        foreach (var p in pixels)
            if (p > ForegroundLevel) { count++; sum += p; }
        return (count == 0 ? 0 : sum / (255.0 * count), count / (double)pixels.Length);
    }

    /// <summary>Thresholds from a (training) split: the median brightness, and the median fill per class.</summary>
    public static AttributeThresholds Thresholds(LabelledImages split)
    {
        var (m, labels) = MeasureAll(split);
        static double Median(IEnumerable<double> v) { var s = v.OrderBy(x => x).ToArray(); return s.Length == 0 ? 0 : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }
        var fill = Enumerable.Range(0, 10).Select(c => Median(m.Where((_, i) => labels[i] == c).Select(x => x.Fill))).ToArray();
        return new AttributeThresholds(Median(m.Select(x => x.Brightness)), fill);
    }

    /// <summary>The caption for a class and attributes, in phrasing <paramref name="template"/> with name number <paramref name="name"/>.</summary>
    public static string Caption(int label, bool dark, bool large, int template, int name = 0)
    {
        if (label is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(label), $"Expected a Fashion-MNIST class 0–9, got {label}.");
        if (template < 0 || template >= Templates.Count) throw new ArgumentOutOfRangeException(nameof(template), $"Expected a template 0–{Templates.Count - 1}, got {template}.");
        var names = Names[label];
        return string.Format(CultureInfo.InvariantCulture, Templates[template], large ? "large" : "small", dark ? "dark" : "light", names[name % names.Count]);
    }

    /// <summary>
    /// Captions every image of <paramref name="split"/> whose class is in <paramref name="classes"/>.
    /// Image i gets <paramref name="captionsPerImage"/> captions, phrasings cycling through <paramref name="templates"/>
    /// and class names cycling too, both starting from i (so neighbouring images read differently).
    /// </summary>
    public static List<CaptionedImage> CaptionSplit(LabelledImages split, AttributeThresholds thresholds,
        IReadOnlyCollection<int> classes, IReadOnlyList<int> templates, int captionsPerImage = 1, IReadOnlySet<int>? skipRows = null)
    {
        if (captionsPerImage < 1 || captionsPerImage > templates.Count)
            throw new ArgumentOutOfRangeException(nameof(captionsPerImage), $"Expected 1–{templates.Count} captions per image (one per phrasing), got {captionsPerImage}.");
        var (m, labels) = MeasureAll(split);
        var pairs = new List<CaptionedImage>();
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if (!classes.Contains(label) || (skipRows?.Contains(i) ?? false)) continue;
            bool dark = m[i].Brightness < thresholds.Brightness, large = m[i].Fill > thresholds.FillByClass[label];
            for (int k = 0; k < captionsPerImage; k++)
            {
                int t = templates[(i + k) % templates.Count];
                pairs.Add(new CaptionedImage(i, label, dark, large, t, Caption(label, dark, large, t, i / templates.Count + k)));
            }
        }
        return pairs;
    }

    /// <summary>
    /// The kit's splits, from Fashion-MNIST train and test images:
    /// <list type="bullet">
    /// <item><b>Train</b>: training images of the seen classes (all but <see cref="HeldOutClasses"/>) minus the
    /// validation images, <paramref name="captionsPerTrainImage"/> captions each, training phrasings;</item>
    /// <item><b>Validation</b>: the first <paramref name="validationPerClass"/> training images of each seen class,
    /// one caption each, training phrasings (for choosing the epoch);</item>
    /// <item><b>Test</b>: test images of the seen classes, one caption each, <b>held-out phrasings</b> only;</item>
    /// <item><b>ZeroShot</b>: test images of the held-out classes (captioned with held-out phrasings, for plots);</item>
    /// <item><b>ZeroShotValidation</b>: training-split images of the held-out classes, never trained on (they are
    /// held out): where zero-shot choices (prompt kind, text tower) are judged, so the test images are read once.</item>
    /// </list>
    /// </summary>
    /// <param name="train">Fashion-MNIST training split (thresholds, training and validation pairs).</param>
    /// <param name="test">Fashion-MNIST test split (test and zero-shot pairs).</param>
    /// <param name="validationPerClass">Training images per seen class kept for validation.</param>
    /// <param name="captionsPerTrainImage">Captions (phrasings) per training image.</param>
    /// <param name="trainImagesPerClass">Use at most this many training images per seen class (null = all): quick runs.</param>
    public static FashionCaptionSet Build(LabelledImages train, LabelledImages test, int validationPerClass = 10, int captionsPerTrainImage = 1,
        int? trainImagesPerClass = null)
    {
        var thresholds = Thresholds(train);
        var seen = Enumerable.Range(0, 10).Except(HeldOutClasses).ToArray();
        var trainTemplates = Enumerable.Range(0, TrainTemplateCount).ToArray();
        var testTemplates = Enumerable.Range(TrainTemplateCount, Templates.Count - TrainTemplateCount).ToArray();

        var labels = train.Labels.data<long>().ToArray();
        var validationRows = new HashSet<int>(seen.SelectMany(c =>
            Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).Take(validationPerClass)));
        var validation = CaptionSplit(train, thresholds, seen, trainTemplates).Where(p => validationRows.Contains(p.ImageIndex)).ToList();
        var trainPairs = CaptionSplit(train, thresholds, seen, trainTemplates, captionsPerTrainImage, validationRows);
        if (trainImagesPerClass is int cap)
        {
            var kept = new HashSet<int>(trainPairs.Select(p => p.ImageIndex).Distinct().GroupBy(i => labels[i]).SelectMany(g => g.Take(cap)));
            trainPairs = trainPairs.Where(p => kept.Contains(p.ImageIndex)).ToList();
        }
        var testPairs = CaptionSplit(test, thresholds, seen, testTemplates);
        var zeroShot = CaptionSplit(test, thresholds, HeldOutClasses.ToArray(), testTemplates);
        var zeroShotValidation = CaptionSplit(train, thresholds, HeldOutClasses.ToArray(), trainTemplates);
        return new FashionCaptionSet(trainPairs, validation, testPairs, zeroShot, zeroShotValidation, thresholds);
    }

    static ((double Brightness, double Fill)[] Measures, int[] Labels) MeasureAll(LabelledImages split)
    {
        if (split.Images.dim() != 3)
            throw new ArgumentException($"Expected Fashion-MNIST images (N, 28, 28) as bytes, got ({string.Join(", ", split.Images.shape)}).");
        var pixels = split.Images.contiguous().data<byte>().ToArray();
        int size = (int)(split.Images.shape[1] * split.Images.shape[2]);
        var labels = split.Labels.data<long>().Select(l => (int)l).ToArray();
        var measures = new (double, double)[labels.Length];
        for (int i = 0; i < labels.Length; i++) measures[i] = Measure(pixels.AsSpan(i * size, size));
        return (measures, labels);
    }
}
