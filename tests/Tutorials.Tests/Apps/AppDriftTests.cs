using System.Text.Json;
using System.Text.Json.Nodes;
using Tutorials.Tests.Notebooks;
using Tutorials.Tests.Support;

namespace Tutorials.Tests.Apps;

/// <summary>
/// notebooks/apps/*.cs are generated from the notebooks: each committed app must equal what its notebook generates
/// now. The check is the tool's own (<c>NotebookApps check</c>), so the tests and the command a contributor runs agree.
/// </summary>
public class AppDriftTests
{
    [Fact]
    public void EveryCommittedAppEqualsWhatItsNotebookGenerates()
    {
        var check = AppsTool.Run(Repo.Root, "check");
        Assert.True(check.ExitCode == 0, check.Output);
        foreach (var nb in Directory.GetFiles(Repo.Notebooks, "*.ipynb").Select(f => Path.GetFileName(f)))
            Assert.True(File.Exists(AppsTool.AppOf(nb)), $"{nb} has no app; run: dotnet run --project tools/NotebookApps -- generate");
    }

    [Fact]
    public void TheCheckFailsOnAHandEditedApp()
    {
        var scratch = AppsTool.ScratchRepo();
        var app = Path.Combine(scratch, "notebooks", "apps", "01-feature-concatenation.cs");
        File.WriteAllText(app, File.ReadAllText(app).Replace("Tutorials.Display.AppDisplay.Finish();", "Console.WriteLine(\"a hand edit\");\nTutorials.Display.AppDisplay.Finish();"));
        var check = AppsTool.Run(scratch, "check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("notebooks/apps/01-feature-concatenation.cs differs from what notebooks/01-feature-concatenation.ipynb generates", check.Output);
        Assert.Contains("a hand edit", check.Output);                               // it shows the line that differs
        Assert.Contains("dotnet run --project tools/NotebookApps -- generate", check.Output);

        Assert.Equal(0, AppsTool.Run(scratch, "generate").ExitCode);              // regenerating puts it right
        Assert.Equal(0, AppsTool.Run(scratch, "check").ExitCode);
    }

    [Fact]
    public void TheCheckFailsWhenANotebookChangesWithoutRegenerating()
    {
        var scratch = AppsTool.ScratchRepo();
        var nb = Path.Combine(scratch, "notebooks", "00-getting-started.ipynb");
        var doc = JsonNode.Parse(File.ReadAllText(nb))!;
        doc["cells"]!.AsArray().Add(new JsonObject { ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(),
                                                     ["execution_count"] = null, ["source"] = new JsonArray("Console.WriteLine(\"one more cell\");") });
        File.WriteAllText(nb, doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var check = AppsTool.Run(scratch, "check");
        Assert.Equal(1, check.ExitCode);
        Assert.Contains("notebooks/apps/00-getting-started.cs differs", check.Output);
    }

    [Fact]
    public void ARedeclaredVariableIsAClearErrorNotABrokenApp()
    {
        var scratch = AppsTool.ScratchRepo();
        // the kernel lets cell 3 declare `a` again; one C# file, where all cells share one scope, does not
        AppsTool.WriteNotebook(scratch, "98-clash", "var a = 1;", "# markdown", "var a = 2;\na");
        var generate = AppsTool.Run(scratch, "generate", "98");
        Assert.Equal(2, generate.ExitCode);
        Assert.Contains("98-clash.ipynb: cell 3 declares 'a' again (cell 1 declared it first)", generate.Output);
    }

    [Fact]
    public void AnInnerNameThatATopLevelNameWouldHideIsAClearError()
    {
        var scratch = AppsTool.ScratchRepo();
        // fine in the kernel; in one file the top-level `l` of cell 2 is in scope inside cell 1's loop too (CS0136)
        AppsTool.WriteNotebook(scratch, "98-clash", "for (int i = 0; i < 2; i++) { var l = i; }", "var l = 1;");
        var generate = AppsTool.Run(scratch, "generate", "98");
        Assert.Equal(2, generate.ExitCode);
        Assert.Contains("cell 1 declares 'l' inside a block or loop, and cell 2 declares 'l' at the top level", generate.Output);
    }

    [Fact]
    public void NotebookOnlyConstructsBecomeConsoleCode()
    {
        var scratch = AppsTool.ScratchRepo();
        AppsTool.WriteNotebook(scratch, "98-constructs",
            "using System.Globalization;\nrecord Point(int X, int Y);\nvar p = new Point(1, 2);\np",     // using, a type, a shown value
            "int Twice(int v) { var p = v * 2; return p; }\ndisplay(Twice(p.X));\nTwice(p.Y).Display();", // a local may shadow; display helpers
            "Console.WriteLine(\"done\");");                                                                 // ends with a semicolon: nothing shown
        Assert.Equal(0, AppsTool.Run(scratch, "generate", "98").ExitCode);
        var app = File.ReadAllText(Path.Combine(scratch, "notebooks", "apps", "98-constructs.cs"));
        Assert.Contains("#:project ../../lib/Tutorials.Lib.csproj", app);
        Assert.Contains("using System.Globalization;", app);
        Assert.True(app.IndexOf("using System.Globalization;") < app.IndexOf("Tutorials.Kit.Setup();"), "usings must come before the statements");
        Assert.Contains("Tutorials.Display.AppDisplay.Show(() => p, cell: 1);", app);
        Assert.Contains("Tutorials.Display.AppDisplay.Show(Twice(p.X));", app);
        Assert.Contains("Tutorials.Display.AppDisplay.Show(Twice(p.Y));", app);
        Assert.True(app.IndexOf("record Point(int X, int Y);") > app.IndexOf("Tutorials.Display.AppDisplay.Finish();"), "types must follow the top-level statements");
        Assert.DoesNotContain("Show(() => Console.WriteLine", app);
    }
}
