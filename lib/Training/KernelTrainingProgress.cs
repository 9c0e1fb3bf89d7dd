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
/// </summary>
public sealed class KernelTrainingProgress : IProgress<TrainingUpdate>
{
    const string KernelTypeName = "Microsoft.DotNet.Interactive.Kernel";
    readonly Func<object, DisplayedValue> _display;
    DisplayedValue? _output;
    readonly List<string> _notes = new();

    KernelTrainingProgress(Func<object, DisplayedValue> display) => _display = display;

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

        return new KernelTrainingProgress(value => (DisplayedValue)display.Invoke(null, new object[] { value, new[] { HtmlFormatter.MimeType } })!);
    }

    public void Report(TrainingUpdate value)
    {
        if (value.Note is not null) _notes.Add(value.Note);
        var html = new HtmlString(Render(value));
        if (_output is null) _output = _display(html);   // first update: create the output
        else _output.Update(html);                        // later ones: replace it in place
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
