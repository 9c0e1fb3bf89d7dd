using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive.Formatting;

namespace Tutorials.Training;

/// <summary>
/// Progress as one output in a .NET Interactive notebook that is updated in place after every epoch: a bar,
/// the latest epoch's numbers and the best so far. (The whole history is <c>history.ToDataFrame()</c> afterwards.)
/// <para>
/// How a library does this without referencing the kernel: the kit references only
/// Microsoft.DotNet.Interactive.Formatting, which defines <see cref="DisplayedValue"/> (the handle of an output,
/// with <c>Update(object)</c>). The function that creates one, <c>Kernel.display(object, params string[])</c>, lives in
/// Microsoft.DotNet.Interactive, which is loaded only inside a kernel. So we look for that type among the loaded
/// assemblies at run time and call it by reflection; when it is absent (tests, console apps) <see cref="TryCreate"/>
/// returns null and the caller falls back to console lines.
/// </para>
/// <para>
/// Front ends record an updated output differently, so the saved notebook must not depend on it
/// (<see cref="FrontEnd"/>): VS Code and the kit's runner replace the output in place; dotnet-repl appends every
/// update as a new output; Jupyter's <c>nbconvert --execute</c> keeps the first frame. So under dotnet-repl the
/// display is written once, when the run is finished; under Jupyter the live output starts as a placeholder and
/// the final state is written as a new output at the end. Either way the saved notebook keeps the final state.
/// </para>
/// </summary>
public sealed class KernelTrainingProgress : IProgress<TrainingUpdate>
{
    const string KernelTypeName = "Microsoft.DotNet.Interactive.Kernel";
    readonly Func<object, DisplayedValue> _display;
    readonly FrontEnd _frontEnd;
    DisplayedValue? _output;
    bool _finalWritten;
    readonly List<string> _notes = new();

    /// <summary>How the front end running this kernel saves an output that is updated.</summary>
    public enum FrontEnd
    {
        /// <summary>The output is replaced in place (VS Code / Polyglot Notebooks, the kit's runner).</summary>
        UpdatesInPlace,
        /// <summary>Every update becomes a new output (dotnet-repl): write the display once, at the end.</summary>
        AppendsUpdates,
        /// <summary>Live updates are shown, but an executed notebook keeps the first frame (Jupyter): write the final state again at the end.</summary>
        KeepsFirstFrame,
    }

    KernelTrainingProgress(Func<object, DisplayedValue> display, FrontEnd frontEnd)
    {
        _display = display;
        _frontEnd = frontEnd;
    }

    /// <summary>The front end, from the kernel process's command line: dotnet-repl, Jupyter (<c>dotnet-interactive jupyter</c>), or else in place.</summary>
    public static FrontEnd DetectFrontEnd(IReadOnlyList<string>? commandLine = null)
    {
        commandLine ??= System.Environment.GetCommandLineArgs();
        if (commandLine.Any(a => Path.GetFileNameWithoutExtension(a).Equals("dotnet-repl", StringComparison.OrdinalIgnoreCase)))
            return FrontEnd.AppendsUpdates;
        if (commandLine.Any(a => a.Equals("jupyter", StringComparison.OrdinalIgnoreCase)))
            return FrontEnd.KeepsFirstFrame;
        return FrontEnd.UpdatesInPlace;
    }

    /// <summary>A kernel progress display, or null when this process is not a .NET Interactive kernel.</summary>
    public static KernelTrainingProgress? TryCreate()
    {
        var kernelType = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == "Microsoft.DotNet.Interactive")
            .Select(a => a.GetType(KernelTypeName, throwOnError: false))
            .FirstOrDefault(t => t is not null);
        if (kernelType is null) return null;

        // The assembly can be loaded without a kernel running (e.g. the kit's notebook runner process): require a current kernel.
        var current = kernelType.GetProperty("Current", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        var display = kernelType.GetMethod("display", BindingFlags.Public | BindingFlags.Static, new[] { typeof(object), typeof(string[]) });
        if (current is null || display is null || display.ReturnType != typeof(DisplayedValue)) return null;

        return new KernelTrainingProgress(value => (DisplayedValue)display.Invoke(null, new object[] { value, new[] { HtmlFormatter.MimeType } })!,
            DetectFrontEnd());
    }

    public void Report(TrainingUpdate value)
    {
        if (_finalWritten)
        {
            // After the final state (e.g. "restored the weights of epoch 4"): one text line, not another display.
            if (value.Note is not null) System.Console.WriteLine(value.Note);
            return;
        }
        if (value.Note is not null) _notes.Add(value.Note);
        var html = new HtmlString(Render(value));
        bool finished = value.History.Epochs.Count >= value.TotalEpochs;
        switch (_frontEnd)
        {
            case FrontEnd.AppendsUpdates:
                if (!finished) return;
                _display(html);                                  // the one output: the final state
                _finalWritten = true;
                return;
            case FrontEnd.KeepsFirstFrame:
                if (finished)
                {
                    _output?.Update(new HtmlString("<div><code>training finished: final state below</code></div>"));
                    _display(html);                              // a new output, which the saved notebook keeps
                    _finalWritten = true;
                    return;
                }
                if (_output is null) _output = _display(new HtmlString("<div><code>training progress: live while it runs; its final state is written below when it ends</code></div>"));
                _output.Update(html);
                return;
            default:
                if (_output is null) _output = _display(html);   // first update: create the output
                else _output.Update(html);                        // later ones: replace it in place
                return;
        }
    }

    string Render(TrainingUpdate update)
    {
        var notes = string.Join("", _notes.Select(n => $"<div>{WebUtility.HtmlEncode(n)}</div>"));
        if (update.Epoch is null) return $"<div>{notes}</div>";
        int percent = (int)Math.Round(100.0 * update.Epoch.Epoch / Math.Max(1, update.TotalEpochs));
        var best = update.History.BestEpoch > 0
            ? $" · best {update.History.Monitor} {update.History.BestValue.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} (epoch {update.History.BestEpoch})"
            : "";
        var bar = $"<div style=\"width:320px;height:8px;background:#e5e5e5;border-radius:4px\"><div style=\"width:{percent}%;height:8px;background:#4c78a8;border-radius:4px\"></div></div>";
        return $"<div>{bar}<code>{WebUtility.HtmlEncode(update.ToLine() + best)}</code>{notes}</div>";
    }
}
