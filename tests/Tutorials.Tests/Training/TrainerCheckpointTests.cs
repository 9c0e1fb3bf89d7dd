using Tutorials.Training;

namespace Tutorials.Tests.Training;

[Collection(TorchGlobalRandomCollection.Name)]
public class TrainerCheckpointTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("trainer-ckpt-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static TrainingHistory Run(TorchSharp.Modules.Sequential model, TrainerOptions options)
    {
        var (x, y) = TrainerTestData.Blobs(96, seed: 1);
        var (vx, vy) = TrainerTestData.Blobs(40, seed: 2);
        // Two parameter groups with their own learning rates: the optimizer state to restore is not trivial.
        using var optimizer = optim.Adam(new TorchSharp.Modules.Adam.ParamGroup[]
        {
            new(model.named_parameters().Where(np => np.name.StartsWith("hidden")).Select(np => np.parameter), lr: 0.003),
            new(model.named_parameters().Where(np => np.name.StartsWith("out")).Select(np => np.parameter), lr: 0.01),
        });
        var train = new TensorBatches(new[] { x, y }, batchSize: 16, shuffle: true, seed: 3);
        return Trainer.FitClassifier(model, optimizer, train, new TensorBatches(32, vx, vy), options);
    }

    [Fact]
    public void ResumingFromACheckpointGivesExactlyTheUninterruptedRun()
    {
        using var straight = TrainerTestData.Mlp();
        var expected = Run(straight, TrainerTestData.Quiet(6));

        var path = Path.Combine(_dir, "run.ckpt");
        var options = TrainerTestData.Quiet(3) with { CheckpointPath = path, Resume = true };
        using (var first = TrainerTestData.Mlp()) Run(first, options);
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp")); // the temporary file was renamed, not left behind

        using var resumedModel = TrainerTestData.Mlp(seed: 99); // other initial weights: the checkpoint must overwrite them
        var resumed = Run(resumedModel, options with { Epochs = 6 });

        Assert.Equal(3, resumed.ResumedEpochs);
        Assert.Equal(TrainerTestData.Numbers(expected), TrainerTestData.Numbers(resumed));
        TrainerTestData.AssertSameWeights(straight, resumedModel);
    }

    [Fact]
    public void ACheckpointFromAnotherModelNamesTheFirstMismatch()
    {
        var path = Path.Combine(_dir, "other.ckpt");
        using (var model = TrainerTestData.Mlp()) Run(model, TrainerTestData.Quiet(1) with { CheckpointPath = path });

        torch.manual_seed(0);
        using var wider = nn.Sequential(("hidden", nn.Linear(4, 32)), ("relu", nn.ReLU()), ("out", nn.Linear(32, 2)));
        using var optimizer = optim.Adam(wider.parameters(), 0.01);
        var before = TinyNet.ParameterBytes(wider);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, wider, optimizer));
        Assert.True(e.Message.Contains("\"hidden.weight\""), e.Message);
        Assert.Contains("[32, 4]", e.Message);   // expected (the model)
        Assert.Contains("[16, 4]", e.Message);   // got (the file)
        Assert.Equal(before, TinyNet.ParameterBytes(wider)); // nothing was half-loaded
    }

    [Fact]
    public void ATruncatedCheckpointIsReportedAsCorrupt()
    {
        var path = Path.Combine(_dir, "cut.ckpt");
        using (var model = TrainerTestData.Mlp()) Run(model, TrainerTestData.Quiet(1) with { CheckpointPath = path });
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        using var fresh = TrainerTestData.Mlp();
        var e = Assert.Throws<InvalidDataException>(() => Run(fresh, TrainerTestData.Quiet(2) with { CheckpointPath = path, Resume = true }));
        Assert.Contains("incomplete or corrupt", e.Message);
        Assert.Contains("Delete it", e.Message);
    }

    [Fact]
    public void AFileThatIsNotACheckpointIsNamedAsSuch()
    {
        var path = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(path, "hello");
        using var model = TrainerTestData.Mlp();
        var e = Assert.Throws<InvalidDataException>(() => Run(model, TrainerTestData.Quiet(1) with { CheckpointPath = path, Resume = true }));
        Assert.Contains("not a trainer checkpoint", e.Message);
    }
}
