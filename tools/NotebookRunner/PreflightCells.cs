namespace Tutorials.Runner;

/// <summary>
/// The code the pre-flight submits to a kernel after a notebook's setup cell, one check per cell so that a failure
/// names its check. Plain C#, as a notebook cell would say it: an instructor can paste any of it into a notebook.
/// </summary>
static class PreflightCells
{
    public const string CalibrationResult = "calibration_seconds_per_step";

    public static List<(string Name, string Code)> Checks(string environmentFile) =>
    [
        ("ImageNet ResNet weights", """
            // Converts the package's ONNX weights into the kit's cache (~/.cache/torchsharp-tutorials) once; later loads read the cache.
            Tutorials.Pretrained.ImageNetResNet.Load().Dispose();
            """),
        ("MiniLM weights", """
            Tutorials.Pretrained.MiniLm.Load().Dispose();
            """),
        ("audio encoder weights", """
            // Checks the committed weights' SHA-256 (a Git LFS pointer or a damaged file fails here).
            Tutorials.Pretrained.AudioEncoderLoader.Load().Dispose();
            """),
        ("environment report", $$"""
            // Native fix, oneDNN instruction set, channels-last convolution: kept for the verdict.
            var report = Tutorials.Kit.EnvironmentReport();
            var rows = report.Rows.ToDictionary(r => (string)r[0], r => (string)r[1]);
            System.IO.File.WriteAllText(@"{{environmentFile.Replace("\"", "\"\"")}}", System.Text.Json.JsonSerializer.Serialize(rows));
            report
            """),
        ("calibration", $$"""
            // How fast this machine trains: SGD steps of the pretrained ResNet (and a small head) on a (16, 3, 64, 64)
            // batch, the work the notebooks do most. The median step after one warm-up step is compared with the same
            // figure from the reference machine.
            using TorchSharp;
            var net = Tutorials.Pretrained.ImageNetResNet.Load();
            net.train();
            foreach (var p in net.parameters()) p.requires_grad = true;
            var head = torch.nn.Linear(512, 10);
            var optimizer = torch.optim.SGD(net.parameters().Concat(head.parameters()), 0.01);
            torch.manual_seed(0);
            var images = torch.randn(16, 3, 64, 64);
            var labels = torch.randint(0, 10, new long[] { 16 }, dtype: torch.int64);
            var stepSeconds = new List<double>();
            for (int step = 0; step < 6; step++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using (torch.NewDisposeScope())
                {
                    optimizer.zero_grad();
                    torch.nn.functional.cross_entropy(head.call(net.call(images)), labels).backward();
                    optimizer.step();
                }
                if (step > 0) stepSeconds.Add(clock.Elapsed.TotalSeconds);   // step 0 warms up (allocations, kernel choice)
            }
            stepSeconds.Sort();
            Tutorials.Environment.Results.Report("{{CalibrationResult}}", stepSeconds[stepSeconds.Count / 2], "s")
            """),
    ];
}
