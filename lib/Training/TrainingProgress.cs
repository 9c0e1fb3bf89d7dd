using System.Globalization;
using System.Text;

namespace Tutorials.Training;

/// <summary>What the trainer reports after each epoch (and once when a run resumes or ends).</summary>
/// <param name="Epoch">the epoch just finished; null for a message without a new epoch</param>
/// <param name="TotalEpochs">epochs planned in total</param>
/// <param name="History">the run so far</param>
/// <param name="Note">an event worth a line: "resumed from …", "stopped early …", "restored the weights of epoch 4"</param>
public sealed record TrainingUpdate(EpochRecord? Epoch, int TotalEpochs, TrainingHistory History, string? Note = null)
{
    /// <summary>
    /// The console line for this update, e.g. <c>epoch 3/10  train_loss 0.412  val_accuracy 0.871  2.1 s</c>.
    /// Numbers use the invariant culture (a dot as decimal separator) whatever the machine's locale.
    /// </summary>
    public string ToLine()
    {
        if (Epoch is null) return Note ?? "";
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"epoch {Epoch.Epoch}/{TotalEpochs}  {TrainingHistory.TrainLossName} {Epoch.TrainLoss:0.####}");
        foreach (var (name, value) in Epoch.Metrics) sb.Append(c, $"  {name} {value:0.####}");
        sb.Append(c, $"  {Epoch.Seconds:0.0} s");
        if (History.BestEpoch == Epoch.Epoch) sb.Append("  *"); // star: best epoch so far
        if (Note is not null) sb.Append("  (").Append(Note).Append(')');
        return sb.ToString();
    }
}

/// <summary>Ready-made progress sinks for <see cref="TrainerOptions.Progress"/>.</summary>
public static class TrainingProgress
{
    /// <summary>
    /// Inside a notebook kernel: one table that updates in place (<see cref="KernelTrainingProgress"/>).
    /// Anywhere else (tests, <c>dotnet run</c>, the headless runner's console): one line per epoch.
    /// </summary>
    public static IProgress<TrainingUpdate> Auto() =>
        KernelTrainingProgress.TryCreate() ?? (IProgress<TrainingUpdate>)Console();

    /// <summary>One line per epoch written to <paramref name="writer"/> (default: standard output).</summary>
    public static IProgress<TrainingUpdate> Console(TextWriter? writer = null) => new ConsoleTrainingProgress(writer ?? System.Console.Out);

    /// <summary>Reports nothing (benchmarks, tests that only look at the returned history).</summary>
    public static IProgress<TrainingUpdate> None { get; } = new Silent();

    sealed class Silent : IProgress<TrainingUpdate> { public void Report(TrainingUpdate value) { } }
}

/// <summary>Writes <see cref="TrainingUpdate.ToLine"/> for each update, synchronously (unlike <c>Progress&lt;T&gt;</c>, which posts).</summary>
public sealed class ConsoleTrainingProgress(TextWriter writer) : IProgress<TrainingUpdate>
{
    public void Report(TrainingUpdate value)
    {
        var line = value.ToLine();
        if (line.Length == 0) return;
        writer.WriteLine(line);
        writer.Flush(); // a notebook or a piped console shows the line now, not when training ends
    }
}
