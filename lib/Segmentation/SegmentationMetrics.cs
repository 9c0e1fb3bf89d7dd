using Microsoft.Data.Analysis;
using TorchSharp;
using Tutorials.Training;
using static TorchSharp.torch;
using Tutorials.Data;
using Tutorials.Environment;

namespace Tutorials.Segmentation;

/// <summary>
/// Segmentation metrics from a confusion matrix accumulated over a whole data set (not averaged per batch: IoU is
/// a ratio of sums, and a batch mean of ratios would weight small batches and rare classes wrongly).
/// <list type="bullet">
/// <item><b>pixel accuracy</b>: the fraction of pixels whose predicted class is right. Dominated by the background.</item>
/// <item><b>IoU</b> of a class: |predicted ∩ true| / |predicted ∪ true|; <b>mIoU</b> is the mean over classes
/// (background included). A model that says "background" everywhere gets high pixel accuracy and low mIoU.</item>
/// <item><b>hidden-pixel accuracy</b>: accuracy on the object pixels that are camouflaged (invisible in RGB).</item>
/// <item><b>visible-object accuracy</b>: accuracy on the other object pixels (what RGB can see).</item>
/// </list>
/// </summary>
public sealed class SegmentationMetrics
{
    /// <summary>counts[true, predicted] in pixels.</summary>
    public long[,] Confusion { get; }
    public IReadOnlyList<string> ClassNames { get; }
    long _hiddenCorrect, _hiddenTotal, _visibleCorrect, _visibleTotal;

    public SegmentationMetrics(IReadOnlyList<string> classNames)
    {
        ClassNames = classNames;
        Confusion = new long[classNames.Count, classNames.Count];
    }

    int C => ClassNames.Count;

    /// <summary>Adds a batch: <paramref name="predicted"/> and <paramref name="target"/> are (N, H, W) class indices.</summary>
    public void Add(Tensor predicted, Tensor target, Tensor? hidden = null)
    {
        using var scope = torch.NewDisposeScope();
        var index = (target.to_type(ScalarType.Int64) * C + predicted.to_type(ScalarType.Int64)).flatten();
        var counts = torch.bincount(index, minlength: C * C).cpu().data<long>().ToArray();
        for (int t = 0; t < C; t++)
            for (int p = 0; p < C; p++) Confusion[t, p] += counts[t * C + p];
        if (hidden is not null)
        {
            var correct = predicted.eq(target).logical_and(hidden);
            _hiddenCorrect += correct.sum().item<long>();
            _hiddenTotal += hidden.sum().item<long>();
            var visible = target.gt(0).logical_and(hidden.logical_not());   // object pixels RGB can see
            _visibleCorrect += predicted.eq(target).logical_and(visible).sum().item<long>();
            _visibleTotal += visible.sum().item<long>();
        }
    }

    public double PixelAccuracy
    {
        get
        {
            long right = 0, all = 0;
            for (int t = 0; t < C; t++)
                for (int p = 0; p < C; p++) { all += Confusion[t, p]; if (t == p) right += Confusion[t, p]; }
            return all == 0 ? double.NaN : (double)right / all;
        }
    }

    /// <summary>IoU per class; NaN for a class that neither occurs nor is predicted.</summary>
    public double[] IoU => Enumerable.Range(0, C).Select(c =>
    {
        long tp = Confusion[c, c], fn = 0, fp = 0;
        for (int k = 0; k < C; k++) if (k != c) { fn += Confusion[c, k]; fp += Confusion[k, c]; }
        long union = tp + fn + fp;
        return union == 0 ? double.NaN : (double)tp / union;
    }).ToArray();

    /// <summary>Mean IoU over the classes that occur or are predicted.</summary>
    public double MeanIoU => IoU.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();

    /// <summary>Accuracy on camouflaged object pixels (NaN when none were given).</summary>
    public double HiddenAccuracy => _hiddenTotal == 0 ? double.NaN : (double)_hiddenCorrect / _hiddenTotal;

    /// <summary>Accuracy on object pixels that are not camouflaged (NaN when no hidden map was given).</summary>
    public double VisibleAccuracy => _visibleTotal == 0 ? double.NaN : (double)_visibleCorrect / _visibleTotal;

    /// <summary>The headline numbers by name, with a prefix ("val_", "test_").</summary>
    public Dictionary<string, double> ToDictionary(string prefix = "")
    {
        var d = new Dictionary<string, double> { [prefix + "miou"] = MeanIoU, [prefix + "pixel_accuracy"] = PixelAccuracy };
        if (_hiddenTotal > 0) d[prefix + "hidden_accuracy"] = HiddenAccuracy;
        return d;
    }

    /// <summary>IoU per class as a table.</summary>
    public DataFrame ToDataFrame() => new(
        new StringDataFrameColumn("class", ClassNames),
        new DoubleDataFrameColumn("IoU", IoU));

    /// <summary>
    /// Runs <paramref name="logitsOf"/> over <paramref name="batches"/> in eval mode without autograd and accumulates
    /// the metrics. Batches hold the model's inputs, then the mask at <paramref name="maskIndex"/>, and optionally the
    /// hidden-pixel map at <paramref name="hiddenIndex"/>.
    /// </summary>
    public static SegmentationMetrics Evaluate(nn.Module model, Func<Tensor[], Tensor> logitsOf, TensorBatches batches,
        IReadOnlyList<string> classNames, int maskIndex, int? hiddenIndex = null, Device? device = null)
    {
        var metrics = new SegmentationMetrics(classNames);
        return Evaluation.EvalPass.Run(() =>
        {
            batches.ForEach(epoch: 0, batch =>
                metrics.Add(logitsOf(batch).argmax(1), batch[maskIndex], hiddenIndex is { } h ? batch[h] : null), device ?? Devices.Default);
            return metrics;
        }, model);
    }
}
