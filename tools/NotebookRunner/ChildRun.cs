using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Tutorials.Runner;

/// <summary>The outcome of one notebook, written by the child process for the parent. CodeCells: how many code
/// cells the notebook has; Cells: those that ran, in order, with their wall seconds.</summary>
public sealed record NotebookOutcome(
    string Notebook, string Status, double Seconds, int CodeCells, int? FailedCell, string? Error,
    Dictionary<string, double> Results, List<CellTime> Cells, double? PeakResidentMB = null);

/// <summary>One code cell that ran: its 1-based index among the code cells, its first line of code (blank lines and
/// <c>#r</c> directives skipped, cut to <see cref="ChildRun.FirstLineLength"/> characters), its wall seconds, and its
/// error when it failed.</summary>
public sealed record CellTime(int Index, string FirstLine, double Seconds,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

/// <summary>
/// Runs one notebook top to bottom in a fresh in-process C# kernel (Microsoft.DotNet.Interactive), the way
/// Polyglot Notebooks would: cell by cell, stopping at the first failing cell. Outputs are kept in the document.
/// </summary>
static class ChildRun
{
    /// <summary>Runs the notebook. <paramref name="workDir"/>: the folder its relative paths are relative to (default:
    /// the notebook's own); <paramref name="keepGoing"/>: run the cells after a failing one too.</summary>
    public static async Task<int> RunAsync(string notebookPath, string outDir, string? workDir = null, bool keepGoing = false)
    {
        notebookPath = Path.GetFullPath(notebookPath);
        outDir = Path.GetFullPath(outDir);
        var name = Path.GetFileNameWithoutExtension(notebookPath);
        var resultsFile = Path.Combine(outDir, name + ".results.jsonl");
        File.Delete(resultsFile);
        System.Environment.SetEnvironmentVariable("TUTORIALS_RESULTS_FILE", resultsFile);
        // The restore behind the notebook's #r "nuget: …" lines leaves out the packages nothing in the kit runs, as
        // the kit's own build does (PrunedPackages.props); MSBuild imports CustomBeforeMicrosoftCommonProps into that
        // generated project. Without it (any other kernel) they are downloaded too, and stay unused.
        var pruned = Path.Combine(RepoRoot.Find(), "PrunedPackages.props");
        if (File.Exists(pruned) && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("CustomBeforeMicrosoftCommonProps")))
            System.Environment.SetEnvironmentVariable("CustomBeforeMicrosoftCommonProps", pruned);
        // Relative paths in a notebook (#r "../lib/...", data files) are relative to the notebook, as in VS Code.
        Directory.SetCurrentDirectory(workDir ?? Path.GetDirectoryName(notebookPath)!);

        var kernelInfos = new KernelInfoCollection { new("csharp", languageName: "C#", aliases: ["c#", "C#"]) };
        kernelInfos.DefaultKernelName = "csharp";
        var document = Notebook.Parse(await File.ReadAllTextAsync(notebookPath), kernelInfos);

        using var kernel = new CompositeKernel { CreateCSharpKernel() };
        kernel.DefaultKernelName = "csharp";
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;

        // The kernel captures Console while a cell runs; progress goes to the real stdout, live, for the parent.
        var live = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        using var echo = kernel.KernelEvents.Subscribe(e =>
        {
            if (e is StandardOutputValueProduced or StandardErrorValueProduced) live.Write(Indent(Text((DisplayEvent)e)));
        });

        var codeCells = document.Elements.Where(IsCode).ToList();
        var times = new List<CellTime>();
        var watch = Stopwatch.StartNew();
        int? failed = null;
        string? error = null;
        for (int i = 0; i < codeCells.Count; i++)
        {
            var cell = codeCells[i];
            cell.Outputs.Clear();
            var cellWatch = Stopwatch.StartNew();
            string? cellError = null;
            live.WriteLine($"PROGRESS {i + 1}/{codeCells.Count} {FirstLine(cell.Contents)}");
            var result = await kernel.SendAsync(new SubmitCode(cell.Contents, "csharp"));
            foreach (var e in result.Events)
            {
                switch (e)
                {
                    case StandardOutputValueProduced o: cell.Outputs.Add(new TextElement(Text(o), "stdout")); break;
                    case StandardErrorValueProduced o: cell.Outputs.Add(new TextElement(Text(o), "stderr")); break;
                    case ReturnValueProduced o: cell.Outputs.Add(ReturnValue(Data(o), i + 1)); break;
                    case DisplayedValueProduced o: cell.Outputs.Add(new DisplayElement(Data(o))); break;
                    case DisplayedValueUpdated o: ReplaceDisplay(cell, o); break;
                    case CommandFailed f:
                        cellError = f.Message;
                        cell.Outputs.Add(new ErrorElement("Error", f.Message));
                        break;
                }
            }
            var seconds = Math.Round(cellWatch.Elapsed.TotalSeconds, 2);
            if (cell.Metadata is not null) cell.Metadata["kit_seconds"] = seconds;
            times.Add(new CellTime(i + 1, FirstLine(cell.Contents), seconds, cellError));
            if (cellError is null) continue;
            failed ??= i + 1;
            error ??= cellError;
            // A notebook stops at its first failing cell, as a learner would; the pre-flight's checks are
            // independent of each other, so it asks to see every failure.
            if (!keepGoing) break;
        }
        watch.Stop();

        var executedPath = Path.Combine(outDir, name + ".ipynb");
        await WriteAtomicAsync(executedPath, document.ToJupyterJson());
        var outcome = new NotebookOutcome(
            Path.GetFileName(notebookPath), failed is null ? "passed" : "failed", Math.Round(watch.Elapsed.TotalSeconds, 1),
            codeCells.Count, failed, error, ResultsFile.Read(resultsFile), times, PeakMemory.OfThisProcess());
        await WriteAtomicAsync(Path.Combine(outDir, name + ".outcome.json"), JsonSerializer.Serialize(outcome, Json.Options));
        return failed is null ? 0 : 2;
    }

    static Kernel CreateCSharpKernel() =>
        new CSharpKernel()
            .UseNugetDirective((k, refs) =>
            {
                k.AddAssemblyReferences(refs.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseValueSharing();

    static ReturnValueElement ReturnValue(Dictionary<string, object> data, int order)
    {
        var element = new ReturnValueElement { ExecutionOrder = order };
        foreach (var (k, v) in data) element.Data[k] = v;
        return element;
    }

    static bool IsCode(InteractiveDocumentElement e) =>
        e.KernelName is "csharp" or "C#" or "c#" && !string.IsNullOrWhiteSpace(e.Contents);

    static Dictionary<string, object> Data(DisplayEvent e) =>
        e.FormattedValues.ToDictionary(v => v.MimeType, v => (object)v.Value);

    static string Text(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? e.Value?.ToString() ?? "";

    // An updating display (training progress) replaces its earlier output instead of adding a new one.
    static void ReplaceDisplay(InteractiveDocumentElement cell, DisplayedValueUpdated update)
    {
        var data = Data(update);
        var existing = cell.Outputs.OfType<DisplayElement>().LastOrDefault();
        if (existing is not null) cell.Outputs[cell.Outputs.IndexOf(existing)] = new DisplayElement(data);
        else cell.Outputs.Add(new DisplayElement(data));
    }

    public const int FirstLineLength = 60;

    /// <summary>The line that says what a cell does: its first line of code, after blank lines and the #r directives.</summary>
    public static string FirstLine(string code)
    {
        var line = code.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("#r")) ?? code.Trim();
        return line.Length > FirstLineLength ? line[..FirstLineLength] + "…" : line;
    }

    static string Indent(string s) => string.Join("", s.Split('\n').Select((l, i) => i == 0 || l.Length > 0 ? "    " + l + "\n" : "")).TrimEnd('\n') + "\n";

    /// <summary>Writes to a temp name unique to this write, then renames: a reader never sees half a file, and two
    /// writers never share a temp.</summary>
    public static async Task WriteAtomicAsync(string path, string content)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllTextAsync(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
