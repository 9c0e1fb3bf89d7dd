// Pretrains the kit's small audio encoder on real recordings (data/spoken-digits) and saves its weights.
//   dotnet run -c Release --project tools/PretrainAudio -- [--steps 1000] [--seed 0] [--out data/pretrained/audio-encoder.dat]
// Deterministic on CPU for a given seed. Italian (two speakers) is held out and used only for evaluation.
using System.Diagnostics;
using System.Security.Cryptography;
using TorchSharp;
using Tutorials;
using Tutorials.Audio;
using Tutorials.PretrainAudio;
using Tutorials.Pretrained;
using Tutorials.Backbones;
using Tutorials.Data;
using Tutorials.Files;
using Tutorials.Freezing;

var options = Options.Parse(args);
Kit.EnsureNativeFix();   // before the first torch call: TorchSharp's native library on older glibc hosts
torch.manual_seed(options.Seed);

var data = SpokenDigits.Load();
string[] heldOut = ["it-carlo", "it-menardi"];
var pretrainClips = data.Clips.Where(c => !heldOut.Contains(c.Set)).ToList();
Console.WriteLine($"{data.Clips.Count} clips; pretraining on {pretrainClips.Count} clips from {string.Join(", ", pretrainClips.Select(c => c.Set).Distinct())}; " +
                  $"held out: {string.Join(", ", heldOut)}; {torch.get_num_threads()} threads, seed {options.Seed}");

// The same seed draws the same initial weights; a second copy stays untrained as the baseline.
torch.manual_seed(options.Seed);
var encoder = new AudioEncoder();
torch.manual_seed(options.Seed);
var untrained = new AudioEncoder();

var clock = Stopwatch.StartNew();
var trainer = new Pretrainer(encoder, pretrainClips, options.Seed) { Steps = options.Steps };
trainer.Run(Console.Out);
Console.WriteLine($"training took {clock.Elapsed.TotalMinutes:F1} min");
Console.WriteLine($"pretraining words, fresh augmentations: {100 * trainer.AugmentedAccuracy(options.Seed + 100):F1} % of {pretrainClips.Count} classes");

var report = HeldOutReport.Measure(Freezer.Freeze(encoder), Freezer.Freeze(untrained), data);
Console.WriteLine(report);

AtomicFile.Write(options.Out, temp => encoder.save(temp));
var bytes = File.ReadAllBytes(options.Out);
Console.WriteLine($"saved {options.Out}: {bytes.Length} bytes, sha256 {Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()}");
Console.WriteLine($"AudioEncoderLoader expects sha256 {AudioEncoderLoader.Sha256}");
