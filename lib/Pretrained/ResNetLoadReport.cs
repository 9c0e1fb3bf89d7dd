namespace Tutorials.Pretrained;

/// <summary>What loading the pretrained ResNet did: whether the converted weights came from the cache, how long it took, and where they are.</summary>
public sealed record ResNetLoadReport(WeightCache.Outcome Outcome, TimeSpan Elapsed, string CachePath, long CacheBytes)
{
    public override string ToString()
    {
        var what = Outcome switch
        {
            WeightCache.Outcome.Hit => "loaded from the cache",
            WeightCache.Outcome.Created => "converted from ONNX into the cache (first use)",
            _ => "cache entry was missing its hash or failed it: converted again",
        };
        return $"ImageNet ResNet weights {what} in {Elapsed.TotalSeconds:F1} s · {CacheBytes / 1e6:F1} MB · {CachePath}";
    }
}
