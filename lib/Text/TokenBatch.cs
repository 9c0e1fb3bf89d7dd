using static TorchSharp.torch;

namespace Tutorials.Text;

/// <summary>
/// A tokenized batch, ready for a BERT encoder: three [batch, seq] int64 tensors on one device.
/// Dispose it (or create it inside a dispose scope) when the step is done.
/// </summary>
public sealed record TokenBatch(Tensor InputIds, Tensor AttentionMask, Tensor TokenTypeIds) : IDisposable
{
    public long BatchSize => InputIds.shape[0];
    public long Length => InputIds.shape[1];

    public TokenBatch To(Device device) => new(InputIds.to(device), AttentionMask.to(device), TokenTypeIds.to(device));

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
    }
}
