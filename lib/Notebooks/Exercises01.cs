using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Notebooks;

// Notebook 01: the concatenation head's forward pass, and speaker normalisation.
public static partial class Exercises
{
    /// <summary>
    /// Exercise 01.1. <paramref name="forward"/>(image, audio, hidden, output) must return the concatenation head's
    /// logits: output(relu(hidden(cat([image, audio], dim 1)))). Checked on 4 rows with 6 image and 3 audio
    /// features, a hidden layer of 5 and 4 classes.
    /// </summary>
    public static ExerciseVerdict CheckConcatForward(Func<Tensor, Tensor, Linear, Linear, Tensor> forward) =>
        Judge("Exercise 01.1 (the concatenation head's forward)", () =>
        {
            SeedForCheck(101);
            var image = torch.randn(4, 6);
            var audio = torch.randn(4, 3);
            var hidden = nn.Linear(9, 5);
            var output = nn.Linear(5, 4);
            using var noGrad = torch.no_grad();

            var got = NotNull(forward(image, audio, hidden, output), "forward");
            var joined = torch.cat([image, audio], dim: 1);
            var expected = output.call(nn.functional.relu(hidden.call(joined)));
            var problem = Difference(got, expected, "Your logits",
                tolerance: 1e-5);
            if (problem is null)
                return "The image features come first, then the audio features, one row per example; the hidden layer reads all 9 and the ReLU sits between the two layers.";

            if (got.shape.SequenceEqual(new long[] { 4, 9 }) || got.shape.SequenceEqual(new long[] { 4, 5 }))
                throw new WrongAnswer($"{problem} A shape of [4, {got.shape[1]}] means the result stopped early: pass the joined vector through hidden, ReLU, then output.");
            if (Same(got, output.call(nn.functional.relu(hidden.call(torch.cat([audio, image], dim: 1))))))
                throw new WrongAnswer($"{problem} Your result equals the head fed cat([audio, image]): the order matters, because the hidden layer's first input weights belong to the image features. Put image first.");
            if (Same(got, output.call(hidden.call(joined))))
                throw new WrongAnswer($"{problem} Your result equals the head without the ReLU: two Linear layers with nothing between them are one Linear layer. Apply nn.functional.relu to the hidden layer's output.");
            if (Same(got, nn.functional.relu(output.call(hidden.call(joined)))))
                throw new WrongAnswer($"{problem} The ReLU belongs between hidden and output, not after output (logits may be negative).");
            throw new WrongAnswer(problem + " Join with torch.cat([image, audio], dim: 1) — dim 1 is the feature axis — then output.call(relu(hidden.call(joined))).");
        });

    /// <summary>
    /// Exercise 01.2. <paramref name="standardize"/>(features) must return (x − mean) / std per feature (column),
    /// with mean and std taken over the rows (one speaker's recordings), as <c>SpeakerNormalization.Standardize</c>.
    /// Checked on 6 recordings × 4 features whose columns have very different offsets and spreads.
    /// </summary>
    public static ExerciseVerdict CheckStandardize(Func<Tensor, Tensor> standardize) =>
        Judge("Exercise 01.2 (speaker normalisation)", () =>
        {
            SeedForCheck(102);
            // Column j has its own offset and spread, as real features of one voice do.
            var offsets = torch.tensor(new float[] { 3f, -2f, 0.5f, 10f });
            var spreads = torch.tensor(new float[] { 0.5f, 2f, 1f, 4f });
            var features = torch.randn(6, 4) * spreads + offsets;
            var original = features.clone();

            var got = NotNull(standardize(features), "function");
            if (!Identical(features, original))
                throw new WrongAnswer("Your function changed its input in place (e.g. sub_ / div_). Return a new tensor: the cached features are used again later.");
            var mean = features.mean([0], keepdim: true);
            var expectedUnbiased = (features - mean) / features.std(0, keepdim: true);
            var expectedPopulation = (features - mean) / features.std(0, unbiased: false, keepdim: true);
            if (Same(got, expectedUnbiased, 1e-3))
                return "Every feature (column) now has mean 0 and standard deviation 1 over this speaker's recordings.";
            if (Same(got, expectedPopulation, 1e-3))
                return "Every feature now has mean 0 and spread 1 (you used the population standard deviation, dividing by n; the kit uses n − 1 — both are fine).";

            ExpectShape(got, features, "Your result", "Standardising keeps one value per recording and feature.");
            var found = Difference(got, expectedUnbiased, "Your result", 1e-3);
            if (Same(got, features - mean, 1e-3))
                throw new WrongAnswer($"{found} You subtracted each feature's mean but did not divide by its standard deviation: divide by features.std(0, keepdim: true).");
            if (Same(got, (features - features.mean([1], keepdim: true)) / features.std(1, keepdim: true), 1e-3))
                throw new WrongAnswer($"{found} You standardised each row (dim 1: the features of one recording). Speaker normalisation works per feature, over the speaker's recordings: mean and std over dim 0.");
            if (Same(got, (features - features.mean()) / features.std(), 1e-3))
                throw new WrongAnswer($"{found} You used one mean and one std for the whole tensor; each feature (column) needs its own: mean([0], keepdim: true) and std(0, keepdim: true).");
            var columnMeans = got.detach().to_type(ScalarType.Float64).mean([0]);
            for (int j = 0; j < 4; j++)
            {
                double m = columnMeans[j].item<double>();
                if (Math.Abs(m) > 1e-3)
                    throw new WrongAnswer($"{found} Feature (column) {j} of your result has mean {N(m)} over the rows; after standardising every column has mean 0.");
            }
            throw new WrongAnswer($"{found} Each column has mean 0 but not standard deviation 1: divide by features.std(0, keepdim: true).");
        });
}
