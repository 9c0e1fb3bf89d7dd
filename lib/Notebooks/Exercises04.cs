using TorchSharp;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

// Notebook 04: two steps the notebook does not take itself — a uniform "soup" of several fine-tuned copies (the
// notebook mixes two), and the out-of-fold features that let stacking use every training row (the notebook fits its
// meta-classifier on a held-out split). The references are written from the definitions, independent of lib/Combining.
public static partial class Exercises
{
    /// <summary>
    /// Exercise 04.1. <paramref name="soup"/>(models) must return a new state dict whose every floating-point entry is
    /// the mean of that entry over all the models, (θ₁ + … + θₙ) / n; integer entries (BatchNorm's
    /// <c>num_batches_tracked</c>, a count) keep the first model's value and type. The models stay unchanged. Checked on
    /// three small networks with a BatchNorm layer (Linear 3 → 4, BatchNorm1d, ReLU, Linear 4 → 2).
    /// </summary>
    public static ExerciseVerdict CheckSoup(Func<IReadOnlyList<Dictionary<string, Tensor>>, Dictionary<string, Tensor>> soup) =>
        Judge("Exercise 04.1 (a uniform soup of n fine-tuned copies)", () =>
        {
            SeedForCheck(401);
            Dictionary<string, Tensor> NewStateDict(long batches)
            {
                var net = nn.Sequential(("fc1", nn.Linear(3, 4)), ("bn", nn.BatchNorm1d(4)), ("act", nn.ReLU()), ("fc2", nn.Linear(4, 2)));
                net.train();
                using (torch.no_grad()) for (int i = 0; i < batches; i++) net.call(torch.randn(8, 3));   // running statistics that differ
                return net.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
            }
            var models = new[] { NewStateDict(1), NewStateDict(2), NewStateDict(3) };
            var copies = models.Select(m => m.ToDictionary(kv => kv.Key, kv => kv.Value.clone())).ToArray();
            var got = NotNull(soup(models), "function");

            for (int i = 0; i < models.Length; i++)
                foreach (var (name, original) in copies[i])
                    if (!Identical(models[i][name], original))
                        throw new WrongAnswer($"Your function changed model {i}'s '{name}' in place (add_, div_, copy_ …). The fine-tuned copies " +
                                              "are finished models; build new tensors for the soup.");
            var names = models[0].Keys.ToList();
            var missing = names.Except(got.Keys).ToList();
            if (missing.Count > 0)
                throw new WrongAnswer($"The soup has no entry '{missing[0]}'" + (missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "") +
                                      ". Every entry of the state dict goes into the soup — parameters and buffers (BatchNorm's running statistics) alike.");
            var extra = got.Keys.Except(names).ToList();
            if (extra.Count > 0)
                throw new WrongAnswer($"The soup has an entry '{extra[0]}' that the models do not have; keep their names so that load_state_dict finds them.");
            foreach (var name in names)
            {
                var first = models[0][name];
                if (!first.is_floating_point())
                {
                    if (got[name].dtype != first.dtype)
                        throw new WrongAnswer($"'{name}' came back as {got[name].dtype}, but it is a {first.dtype} count (how many batches BatchNorm " +
                                              "has seen), not a weight: dividing it turned it into a fraction. Keep the first model's value as it is.");
                    if (!Identical(got[name], first))
                        throw new WrongAnswer($"'{name}' is {N(got[name].to_type(ScalarType.Float64).item<double>())}; keep the first model's count " +
                                              $"({first.item<long>()}): it is bookkeeping, not something to average.");
                    continue;
                }
                var expected = SoupReference(models, name, SoupMistake.None);
                var problem = Difference(got[name], expected, $"'{name}'", 1e-6);
                if (problem is null) continue;
                if (Same(got[name], SoupReference(models, name, SoupMistake.Running), 1e-6))
                    throw new WrongAnswer($"{problem} That is a running pairwise average, θ ← (θ + θₖ) / 2 (e.g. the notebook's Interpolate at α = 0.5, " +
                                          "applied model after model): the last model weighs ½, the first two ¼ each. A uniform soup weighs each of the n " +
                                          "models 1/n: sum them and divide by n (or mix in model k with α = 1/k).");
                if (Same(got[name], SoupReference(models, name, SoupMistake.FirstTwo), 1e-6))
                    throw new WrongAnswer($"{problem} That is the average of the first two models only; the soup takes all {models.Length}.");
                if (Same(got[name], SoupReference(models, name, SoupMistake.Sum), 1e-6))
                    throw new WrongAnswer($"{problem} That is the sum of the models; divide by their number.");
                if (Same(got[name], SoupReference(models, name, SoupMistake.HalfSum), 1e-6))
                    throw new WrongAnswer($"{problem} That divides the sum by 2 whatever n is: divide by models.Count.");
                throw new WrongAnswer($"{problem} For every name: the sum of models[i][name] over i, divided by models.Count.");
            }
            return "Each weight of the soup is the plain mean over the copies and the counts stay counts. A soup of copies fine-tuned from one " +
                   "pretrained start costs one model at inference; re-measure its BatchNorm statistics before using it, as the notebook does.";
        });

    /// <summary>
    /// Exercise 04.2. <paramref name="outOfFold"/>(rows, folds, trainOn) must return the out-of-fold features of a member:
    /// row i belongs to fold i % folds; for each fold, <c>trainOn(rows outside the fold)</c> gives a trained member
    /// (a function from row numbers to their (n, C) probabilities), which predicts the fold's rows; the result holds every
    /// row's prediction at that row's position, (rows, C). Checked with 10 rows, 3 classes, 3 folds and a member that
    /// memorises its training rows (one-hot, sure and right on them) and predicts its training rows' class frequencies
    /// elsewhere.
    /// </summary>
    public static ExerciseVerdict CheckOutOfFold(Func<int, int, Func<long[], Func<long[], Tensor>>, Tensor> outOfFold) =>
        Judge("Exercise 04.2 (out-of-fold features for stacking)", () =>
        {
            const int rows = 10, folds = 3, classes = 3;
            long[] labels = { 0, 1, 2, 1, 0, 2, 2, 1, 0, 0 };
            var trained = new List<HashSet<long>>();
            var leaks = new List<(long Row, int Member)>();
            Func<long[], Tensor> TrainOn(long[] trainRows)
            {
                if (trainRows is null || trainRows.Length == 0)
                    throw new WrongAnswer("trainOn was called with no rows: a member needs the rows outside its fold to learn from.");
                var seen = trainRows.ToHashSet();
                int member = trained.Count;
                trained.Add(seen);
                return predictRows =>
                {
                    foreach (var r in predictRows) if (seen.Contains(r)) leaks.Add((r, member));
                    return torch.tensor(predictRows.SelectMany(r => MemberOutput(seen, r, labels, classes)).Select(v => (float)v).ToArray(),
                        new long[] { predictRows.Length, classes });
                };
            }
            var got = NotNull(outOfFold(rows, folds, TrainOn), "function");

            if (leaks.Count > 0)
            {
                var (row, member) = leaks[0];
                throw new WrongAnswer($"Row {row} was predicted by a member that trained on it (member {member}, trained on {trained[member].Count} rows). " +
                    "Its features are then the member's in-sample output — here one-hot, sure and right, as over-confident as a member on its own " +
                    "training rows — and a meta-classifier fitted on them learns to trust confidence that new data will not have. Each fold must be " +
                    "predicted by a member trained on the other folds only.");
            }
            if (trained.Count != folds)
                throw new WrongAnswer($"You trained {trained.Count} member(s); out-of-fold with {folds} folds trains one per fold ({folds}), each on the " +
                                      "rows outside its fold.");
            var expected = OutOfFoldReference(rows, folds, labels, classes, inOrder: true);
            var problem = Difference(got, expected, "Your features", 1e-6);
            if (problem is null)
                return "Every row's features come from a member that never saw it, so the meta-classifier learns from outputs as (un)sure as on new " +
                       $"data — and all {rows} rows serve, not only a held-out split. The price: {folds} extra trainings per member.";
            if (Same(got, OutOfFoldReference(rows, folds, labels, classes, inOrder: false), 1e-6))
                throw new WrongAnswer($"{problem} Those are the right predictions in fold order (fold 0's rows, then fold 1's …). Put each prediction " +
                                      "back at its row's position (features.index_copy_(0, foldRows, predictions)), so that row i stays row i.");
            throw new WrongAnswer($"{problem} Row i is in fold i % {folds}; its member trains on every row outside that fold.");
        });

    enum SoupMistake { None, Running, FirstTwo, Sum, HalfSum }

    static Tensor SoupReference(IReadOnlyList<Dictionary<string, Tensor>> models, string name, SoupMistake m)
    {
        var x = models.Select(d => ToArray(d[name].reshape(d[name].numel(), 1))).Select(a => a.Select(r => r[0]).ToArray()).ToArray();
        int len = x[0].Length;
        var result = new double[len];
        for (int j = 0; j < len; j++)
            result[j] = m switch
            {
                SoupMistake.Running => x.Skip(1).Aggregate(x[0][j], (acc, next) => (acc + next[j]) / 2),
                SoupMistake.FirstTwo => (x[0][j] + x[1][j]) / 2,
                SoupMistake.Sum => x.Sum(a => a[j]),
                SoupMistake.HalfSum => x.Sum(a => a[j]) / 2,
                _ => x.Sum(a => a[j]) / x.Length,
            };
        return torch.tensor(result).reshape(models[0][name].shape);
    }

    // The memorising member: one-hot and right on its training rows; elsewhere its training rows' class frequencies.
    static double[] MemberOutput(HashSet<long> trainRows, long row, long[] labels, int classes)
    {
        if (trainRows.Contains(row)) return Enumerable.Range(0, classes).Select(c => c == labels[row] ? 1.0 : 0.0).ToArray();
        return Enumerable.Range(0, classes).Select(c => trainRows.Count(r => labels[r] == c) / (double)trainRows.Count).ToArray();
    }

    static Tensor OutOfFoldReference(int rows, int folds, long[] labels, int classes, bool inOrder)
    {
        var output = new List<double[]>(new double[rows][]);
        var foldOrder = new List<double[]>();
        for (int f = 0; f < folds; f++)
        {
            var train = Enumerable.Range(0, rows).Where(i => i % folds != f).Select(i => (long)i).ToHashSet();
            foreach (var r in Enumerable.Range(0, rows).Where(i => i % folds == f))
            {
                var p = MemberOutput(train, r, labels, classes);
                output[r] = p;
                foldOrder.Add(p);
            }
        }
        var chosen = inOrder ? output : foldOrder;
        return torch.tensor(chosen.SelectMany(r => r).ToArray(), new long[] { rows, classes });
    }
}
