using System.Globalization;
using Microsoft.AspNetCore.Html;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive.Formatting;
using Plotly.NET;
using Tutorials.Environment;
using Tutorials.Files;

namespace Tutorials.Display;

/// <summary>
/// What a notebook shows, for a tutorial run as a console app (<c>dotnet run notebooks/apps/01-….cs</c>).
/// In a notebook the last expression of a cell is displayed by the kernel; the generated app passes it here instead
/// (tools/NotebookApps). Tables and text go to the console; charts and image grids become standalone HTML files
/// (plotly.js embedded, so they open offline) in the app's output folder, whose path is printed.
/// </summary>
public static class AppDisplay
{
    /// <summary>Where the app's files go: <c>notebooks/apps/output/&lt;app name&gt;/</c> once <see cref="Start"/> ran.</summary>
    public static string? OutputFolder { get; private set; }

    static int _files;

    /// <summary>
    /// Prepares a generated app: makes the notebooks folder the current directory (as it is for the notebook, so
    /// relative paths mean the same), creates an empty output folder next to the app and, unless the caller set
    /// <c>TUTORIALS_RESULTS_FILE</c>, sends key results (<see cref="Results.Report"/>) to <c>results.jsonl</c> there.
    /// </summary>
    /// <param name="appName">the app's file name without <c>.cs</c>, e.g. "01-feature-concatenation"</param>
    public static void Start(string appName)
    {
        var appFolder = AppContext.GetData("EntryPointFileDirectoryPath") as string
                        ?? throw new InvalidOperationException(
                            $"AppDisplay.Start(\"{appName}\") is for file-based apps run with `dotnet run notebooks/apps/{appName}.cs` (.NET 10 SDK); " +
                            "this process is not one. In a notebook, leave it out.");
        var results = System.Environment.GetEnvironmentVariable(Results.FileVariable);
        if (!string.IsNullOrEmpty(results))   // a relative path keeps meaning what it meant where the app was started
            System.Environment.SetEnvironmentVariable(Results.FileVariable, Path.GetFullPath(results));
        var notebooksFolder = Directory.GetParent(appFolder)?.FullName ?? appFolder;
        Directory.SetCurrentDirectory(notebooksFolder);

        OutputFolder = Path.Combine(appFolder, "output", appName);
        if (Directory.Exists(OutputFolder)) Directory.Delete(OutputFolder, recursive: true); // files of an earlier run would mislead
        Directory.CreateDirectory(OutputFolder);
        _files = 0;

        if (string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable(Results.FileVariable)))
            System.Environment.SetEnvironmentVariable(Results.FileVariable, Path.Combine(OutputFolder, "results.jsonl"));
        Console.WriteLine($"charts, image grids and key results of this run go to {OutputFolder}");
    }

    /// <summary>Shows what a cell's last expression evaluates to (a notebook would display it below the cell).</summary>
    public static void Show<T>(Func<T> value, int cell = 0) => Show((object?)value(), cell);

    /// <summary>A cell whose last expression returns nothing (e.g. <c>Kit.Setup()</c>): run it, show nothing.</summary>
    public static void Show(Action action, int cell = 0) => action();

    /// <summary>Shows one value: text and tables on the console, charts and HTML as files.</summary>
    public static void Show(object? value, int cell = 0)
    {
        switch (value)
        {
            case null: return;
            case string text: Console.WriteLine(text); break;
            case DataFrame table: Console.WriteLine(TextTable.Render(table)); break;
            case GenericChart chart: WriteHtml(ChartHtml.Render(chart, includeLibrary: true), cell, "chart"); break;
            case IHtmlContent html: WriteHtml(html.ToString()!, cell, "figure"); break;
            default: Console.WriteLine(value.ToDisplayString(PlainTextFormatter.MimeType)); break;
        }
    }

    /// <summary>The key results reported so far, and where the files are: the app's last lines.</summary>
    public static void Finish()
    {
        if (Results.Reported.Count > 0)
        {
            Console.WriteLine("key results:");
            foreach (var (name, value) in Results.Reported)
                Console.WriteLine($"  {name} = {value.ToString("G6", CultureInfo.InvariantCulture)}");
        }
        if (OutputFolder is not null) Console.WriteLine($"{_files} chart/figure file(s) and results.jsonl are in {OutputFolder}");
    }

    static void WriteHtml(string fragment, int cell, string kind)
    {
        var folder = OutputFolder ?? Directory.GetCurrentDirectory();
        var name = $"{++_files:00}-cell{cell:00}-{kind}.html";
        var path = Path.Combine(folder, name);
        var page = $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{kind} of cell {cell}</title></head>\n<body>\n{fragment}\n</body></html>\n";
        AtomicFile.WriteText(path, page);   // a reader never sees half a file
        Console.WriteLine($"[{kind} written to {path}]");
    }
}
