using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

// Notebook 03: two variants of what the notebook measures with the kit — precision@k (how many of the top k are
// right, where the notebook's recall@k asks whether any is) and zero-shot class probabilities with the logit scale
// (where the notebook only takes the argmax). The references below are plain loops over float64 arrays, written from
// the formulas and independent of lib/Contrastive.
public static partial class Exercises
{
    /// <summary>
    /// Exercise 03.1. <paramref name="precisionAtK"/>(similarity, queryKeys, itemKeys, k) must return precision@k: for
    /// each query (a row of the Q×K similarity matrix), the fraction of its k most similar items whose key equals the
    /// query's key, averaged over the queries. Checked on 4 queries × 6 items with repeated keys, k = 2 and k = 3.
    /// </summary>
    public static ExerciseVerdict CheckPrecisionAtK(Func<Tensor, Tensor, Tensor, int, double> precisionAtK) =>
        Judge("Exercise 03.1 (precision@k: how many of the top k are right)", () =>
        {
            // Fixed similarities (no ties) and keys; queries 0, 1 and 3 have two right items each, query 2 one.
            var s = new double[][]
            {
                new[] { 0.9, 0.1, 0.5, 0.3, 0.2, 0.7 },
                new[] { 0.3, 0.8, 0.7, 0.1, 0.6, 0.2 },
                new[] { 0.1, 0.2, 0.9, 0.6, 0.3, 0.5 },
                new[] { 0.3, 0.4, 0.8, 0.2, 0.9, 0.1 },
            };
            long[] qk = { 0, 1, 2, 1 }, ik = { 0, 1, 1, 2, 0, 3 };
            var similarity = torch.tensor(s.SelectMany(r => r.Select(v => (float)v)).ToArray(), new long[] { 4, 6 });
            foreach (int k in new[] { 2, 3 })
            {
                double got = precisionAtK(similarity.clone(), torch.tensor(qk), torch.tensor(ik), k);
                double expected = PrecisionReference(s, qk, ik, k, PrecisionMistake.None);
                if (double.IsNaN(got))
                    throw new WrongAnswer($"With k = {k} your function returned NaN. Count the right items among the top k (0 … k), divide by k, average.");
                if (Math.Abs(got - expected) <= 1e-6) continue;
                string Message(string why) => $"With k = {k} you returned {N(got)}, expected {N(expected)}. {why}";
                foreach (var (mistake, why) in new (PrecisionMistake, string)[]
                {
                    (PrecisionMistake.Recall, "That is recall@k — 1 for a query when at least one of its top k is right, which is what the notebook's " +
                        "RecallAtK and the kit's Retrieval compute. Precision@k counts how many of the k are right and divides by k."),
                    (PrecisionMistake.Ascending, "That counts the k *least* similar items: take the k largest similarities " +
                        "(topk(k, dim: 1) keeps the largest by default; an ascending sort puts the worst first)."),
                    (PrecisionMistake.PerRelevant, "That divides by the number of right items the query has (the IR meaning of recall@k), " +
                        "not by k: precision@k = right items among the top k / k."),
                    (PrecisionMistake.PairIds, "That treats item i as the only right answer of query i (pair numbers). The keys say which items are " +
                        "equally right: item j is right for query i when itemKeys[j] == queryKeys[i]."),
                    (PrecisionMistake.CountOnly, "That is the mean *number* of right items among the top k; divide it by k."),
                })
                    if (Math.Abs(got - PrecisionReference(s, qk, ik, k, mistake)) <= 1e-6) throw new WrongAnswer(Message(why));
                throw new WrongAnswer(Message("Per row: the indices of the k largest similarities, the keys of those items, the share equal to the " +
                    "query's key; then the mean over rows."));
            }
            return "Precision@k asks how much of what a query retrieves is right; recall@k only whether something right is in the top k. " +
                   "With several equally right captions per image, both are worth reporting.";
        });

    /// <summary>
    /// Exercise 03.2. <paramref name="zeroShotProbabilities"/>(images, classes, logitScale) must return (N, C) class
    /// probabilities: softmax over the classes of exp(logitScale) · cos(image_n, class_c). Checked on 3 images, 4
    /// classes, 5-d embeddings that are not unit length, logit scale ln 10.
    /// </summary>
    public static ExerciseVerdict CheckZeroShotProbabilities(Func<Tensor, Tensor, double, Tensor> zeroShotProbabilities) =>
        Judge("Exercise 03.2 (zero-shot class probabilities with the logit scale)", () =>
        {
            SeedForCheck(302);
            var images = torch.randn(3, 5) * 0.3;           // not unit length: normalising is part of the task
            var classes = torch.randn(4, 5) * 0.45;         // (small, so that no mistake saturates the softmax)
            double logitScale = Math.Log(10);
            var got = NotNull(zeroShotProbabilities(images.clone(), classes.clone(), logitScale), "function");
            var u = ToArray(images); var c = ToArray(classes);
            Tensor Ref(ZeroShotMistake m) => torch.tensor(ZeroShotReference(u, c, logitScale, m).SelectMany(r => r).ToArray(), new long[] { 3, 4 });
            var problem = Difference(got, Ref(ZeroShotMistake.None), "Your probabilities", 1e-5);
            if (problem is null)
                return "Cosine similarities times exp(logit scale), then a softmax over the classes: the argmax is the zero-shot prediction, " +
                       "and the scale decides how sure the probabilities look — not which class wins.";
            foreach (var (mistake, why) in new (ZeroShotMistake, string)[]
            {
                (ZeroShotMistake.OneHot, "That is a hard decision (1 for the argmax class, 0 elsewhere), what ZeroShot.Predict or the notebook's " +
                    "ZeroShotPredict give. Return the softmax probabilities themselves."),
                (ZeroShotMistake.NoScale, "That is the softmax of the bare cosines (e.g. Retrieval.Similarity(…).softmax(1)): cosines lie in [−1, 1], " +
                    "so the probabilities come out nearly flat. Multiply by exp(logitScale) first."),
                (ZeroShotMistake.ScaleNotExp, "That multiplies by the logit scale itself. The model stores the scale as a logarithm (so that " +
                    "gradient steps keep it positive): the factor is exp(logitScale)."),
                (ZeroShotMistake.DivideByScale, "That divides by exp(logitScale). exp(s) is 1 / temperature: multiply the cosines by it."),
                (ZeroShotMistake.NoNormalise, "That uses raw dot products. Normalise both sets to unit length first " +
                    "(nn.functional.normalize(x, p: 2, dim: 1)), so the similarities are cosines."),
                (ZeroShotMistake.ImagesOnly, "Only the images are normalised: normalise the class embeddings too."),
                (ZeroShotMistake.ClassesOnly, "Only the class embeddings are normalised: normalise the images too."),
                (ZeroShotMistake.DimZero, "That is a softmax over dim 0 (over the images). Each image's probabilities are spread over the classes: dim 1."),
                (ZeroShotMistake.Logits, "Those are the scaled similarities (logits) without the softmax; rows of probabilities sum to 1."),
            })
                if (Same(got, Ref(mistake), 1e-5)) throw new WrongAnswer($"{problem} {why}");
            throw new WrongAnswer($"{problem} Compute (exp(logitScale) · normalize(images) · normalize(classes)ᵀ).softmax(1).");
        });

    enum PrecisionMistake { None, Recall, Ascending, PerRelevant, PairIds, CountOnly }

    // mean over queries of (right items among the k most similar) / k — and the variants a learner typically writes.
    static double PrecisionReference(double[][] s, long[] qk, long[] ik, int k, PrecisionMistake m)
    {
        double total = 0;
        for (int i = 0; i < s.Length; i++)
        {
            var ranked = Enumerable.Range(0, s[i].Length);
            var top = (m == PrecisionMistake.Ascending ? ranked.OrderBy(j => s[i][j]) : ranked.OrderByDescending(j => s[i][j])).Take(k).ToList();
            bool Right(int j) => m == PrecisionMistake.PairIds ? j == i : ik[j] == qk[i];
            int hits = top.Count(Right);
            total += m switch
            {
                PrecisionMistake.Recall => hits > 0 ? 1 : 0,
                PrecisionMistake.PerRelevant => hits / (double)Enumerable.Range(0, ik.Length).Count(Right),
                PrecisionMistake.CountOnly => hits,
                _ => hits / (double)k,
            };
        }
        return total / s.Length;
    }

    enum ZeroShotMistake { None, NoScale, ScaleNotExp, DivideByScale, NoNormalise, ImagesOnly, ClassesOnly, DimZero, OneHot, Logits }

    // softmax over classes of exp(s)·cos — and the variants a learner typically writes.
    static double[][] ZeroShotReference(double[][] images, double[][] classes, double logitScale, ZeroShotMistake m)
    {
        static double[] Unit(double[] x) { double n = Math.Sqrt(x.Sum(e => e * e)); return x.Select(e => e / n).ToArray(); }
        var a = m is ZeroShotMistake.NoNormalise or ZeroShotMistake.ClassesOnly ? images : images.Select(Unit).ToArray();
        var b = m is ZeroShotMistake.NoNormalise or ZeroShotMistake.ImagesOnly ? classes : classes.Select(Unit).ToArray();
        double factor = m switch
        {
            ZeroShotMistake.NoScale => 1,
            ZeroShotMistake.ScaleNotExp => logitScale,
            ZeroShotMistake.DivideByScale => 1 / Math.Exp(logitScale),
            _ => Math.Exp(logitScale),
        };
        var logits = a.Select(x => b.Select(z => factor * x.Zip(z, (p, q) => p * q).Sum()).ToArray()).ToArray();
        if (m == ZeroShotMistake.Logits) return logits;
        if (m == ZeroShotMistake.OneHot)
            return logits.Select(r => r.Select((v, j) => j == Array.IndexOf(r, r.Max()) ? 1.0 : 0.0).ToArray()).ToArray();
        if (m == ZeroShotMistake.DimZero)
        {
            var result = logits.Select(r => r.ToArray()).ToArray();
            for (int j = 0; j < logits[0].Length; j++)
            {
                double max = logits.Max(r => r[j]);
                double sum = logits.Sum(r => Math.Exp(r[j] - max));
                for (int i = 0; i < logits.Length; i++) result[i][j] = Math.Exp(logits[i][j] - max) / sum;
            }
            return result;
        }
        return logits.Select(r =>
        {
            double max = r.Max();
            double sum = r.Sum(v => Math.Exp(v - max));
            return r.Select(v => Math.Exp(v - max) / sum).ToArray();
        }).ToArray();
    }

    static double[][] ToArray(Tensor t)
    {
        var d = t.detach().to_type(ScalarType.Float64).contiguous();
        return Enumerable.Range(0, (int)d.shape[0]).Select(i => d[i].data<double>().ToArray()).ToArray();
    }
}
