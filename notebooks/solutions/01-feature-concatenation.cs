// Solutions to the exercises of notebook 01 (01-feature-concatenation.ipynb).
// Try each exercise in the notebook first; the check cell tells you what is off. Each method body here is what
// goes into the notebook's stub cell. The test suite checks these solutions with the same checks
// (tests/Tutorials.Tests/Exercises/).
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Tutorials.Solutions;

public static class Notebook01
{
    /// <summary>Exercise 01.1: the concatenation head's forward pass.</summary>
    public static Tensor ConcatForward(Tensor image, Tensor audio, Linear hidden, Linear output)
    {
        // Rows are examples, columns are features: join along dim 1, image features first.
        var joined = torch.cat([image, audio], dim: 1);
        // Linear → ReLU → Linear. Without the ReLU the two Linear layers would collapse into one.
        return output.call(nn.functional.relu(hidden.call(joined)));
    }

    /// <summary>Exercise 01.2: speaker normalisation, per feature, over one speaker's recordings.</summary>
    public static Tensor Standardize(Tensor features)
    {
        // dim 0 runs over the recordings: each feature (column) gets its own mean and spread.
        var mean = features.mean([0], keepdim: true);
        var std = features.std(0, keepdim: true);
        return (features - mean) / std;
    }
}
