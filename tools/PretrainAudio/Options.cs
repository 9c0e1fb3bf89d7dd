namespace Tutorials.PretrainAudio;

/// <summary>Command-line options: --steps N, --seed N, --out PATH.</summary>
sealed record Options(int Steps, long Seed, string Out)
{
    public const string DefaultOut = "data/pretrained/audio-encoder.dat";

    public static Options Parse(string[] args)
    {
        var o = new Options(1000, 0, DefaultOut);
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            o = args[i] switch
            {
                "--steps" => o with { Steps = int.Parse(Value()) },
                "--seed" => o with { Seed = long.Parse(Value()) },
                "--out" => o with { Out = Value() },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Expected --steps N, --seed N or --out PATH."),
            };
        }
        return o;
    }
}
