using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Tutorials.NotebookApps;

/// <summary>
/// One code cell taken apart the way the kernel's C# parser (script mode) sees it, and rewritten for one C# file:
/// <list type="bullet">
/// <item><c>using</c> directives are collected (a file has them once, at the top);</item>
/// <item>type declarations (<c>record RunResult(…)</c>) are moved out (a file puts them after its top-level statements);</item>
/// <item>the last expression, which a notebook displays, becomes <c>Tutorials.Display.AppDisplay.Show(() => expr, cell: N)</c>
/// (a lambda because only the compiler knows whether it returns a value; <c>Show(Action)</c> takes the void ones);</item>
/// <item><c>display(x)</c> and <c>x.Display()</c>, which need a kernel, become <c>Tutorials.Display.AppDisplay.Show(x)</c>.</item>
/// </list>
/// </summary>
public sealed class CellCode
{
    static readonly CSharpParseOptions Script = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script).WithLanguageVersion(LanguageVersion.Preview);
    const string Show = "Tutorials.Display.AppDisplay.Show";

    public required int Cell { get; init; }
    public required IReadOnlyList<string> Directives { get; init; }
    public required IReadOnlyList<string> Usings { get; init; }
    public required IReadOnlyList<string> Types { get; init; }
    public required string Statements { get; init; }
    /// <summary>The syntax of the cell (directive lines blanked), for the name-clash check.</summary>
    public required CompilationUnitSyntax Syntax { get; init; }

    public static CellCode Parse(Cell cell, string notebookName)
    {
        string where = $"{notebookName}, cell {cell.Index}";
        var directives = new List<string>();
        var lines = cell.Source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (!KernelDirectives.IsKernelLine(lines[i])) continue;
            if (KernelDirectives.ToAppDirective(lines[i], where) is { } d) directives.Add(d);
            lines[i] = "";
        }
        var text = string.Join('\n', lines);
        var root = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(text, Script).GetRoot();
        var errors = root.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            throw new GeneratorException($"{where} does not parse as C#: {string.Join("; ", errors.Take(3).Select(e => $"line {e.Location.GetLineSpan().StartLinePosition.Line + 1}: {e.GetMessage()}"))}. " +
                                         "Fix the cell in the notebook (does it run there?).");

        var edits = new List<(TextSpan Span, string Replacement)>();
        var usings = new List<string>();
        foreach (var u in root.Usings)
        {
            usings.Add(u.WithoutTrivia().ToFullString());
            edits.Add((TextSpan.FromBounds(u.SpanStart, u.FullSpan.End), ""));   // keep comments above it, drop the line
        }
        var types = new List<string>();
        foreach (var member in root.Members)
        {
            switch (member)
            {
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    types.Add(member.ToFullString().Trim('\n'));
                    edits.Add((member.FullSpan, ""));
                    break;
                case PropertyDeclarationSyntax or EventFieldDeclarationSyntax or EventDeclarationSyntax or IndexerDeclarationSyntax:
                    throw new GeneratorException($"{where} declares a script-level {member.Kind()}; top-level statements have no such member. " +
                                                 "Make it a variable or a local function in the notebook.");
                case FieldDeclarationSyntax f when f.Modifiers.Any(m => !m.IsKind(SyntaxKind.ConstKeyword)):
                    throw new GeneratorException($"{where}: `{f.Declaration}` has modifiers ({f.Modifiers}) that a local variable cannot have. " +
                                                 "Drop them in the notebook.");
            }
        }
        edits.AddRange(DisplayCalls(root));
        if (root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax last } && last.SemicolonToken.IsMissing)
        {
            if (last.Expression.DescendantNodesAndSelf().Any(n => n is AwaitExpressionSyntax))
                throw new GeneratorException($"{where} ends with an awaited expression whose value the notebook shows; the generator cannot show it. " +
                                             "Assign it to a variable and show that (or end the cell with a semicolon).");
            var expr = Rewrite(last.Expression, DisplayCalls(last.Expression));
            edits.RemoveAll(e => last.Span.Contains(e.Span));
            edits.Add((last.Span, IsSetup(last.Expression) ? expr + ";" : $"{Show}(() => {expr}, cell: {cell.Index});"));
        }

        var statements = Apply(text, edits);
        return new CellCode
        {
            Cell = cell.Index, Directives = directives, Usings = usings, Types = types,
            Statements = TrimBlankLines(statements), Syntax = root,
        };
    }

    /// <summary><c>Kit.Setup()</c> returns nothing and is the same first call in both front ends: kept as a plain statement.</summary>
    static bool IsSetup(ExpressionSyntax e) =>
        e is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.Text: "Setup", Expression: var target } }
        && target.ToString() is "Kit" or "Tutorials.Kit";

    /// <summary><c>display(x)</c> (the kernel's helper) and <c>x.Display()</c> (its extension method) → <c>AppDisplay.Show(x)</c>.</summary>
    static IEnumerable<(TextSpan, string)> DisplayCalls(SyntaxNode node)
    {
        foreach (var call in node.DescendantNodesAndSelf().OfType<InvocationExpressionSyntax>())
        {
            if (call.Expression is IdentifierNameSyntax { Identifier.Text: "display" } && call.ArgumentList.Arguments.Count >= 1)
                yield return (call.Span, $"{Show}({call.ArgumentList.Arguments[0]})");
            else if (call.Expression is MemberAccessExpressionSyntax { Name.Identifier.Text: "Display", Expression: var target } && call.ArgumentList.Arguments.Count == 0)
                yield return (call.Span, $"{Show}({target})");
        }
    }

    static string Rewrite(SyntaxNode node, IEnumerable<(TextSpan Span, string Replacement)> edits)
    {
        var shifted = edits.Select(e => (new TextSpan(e.Span.Start - node.SpanStart, e.Span.Length), e.Replacement));
        return Apply(node.ToString(), shifted);
    }

    static string Apply(string text, IEnumerable<(TextSpan Span, string Replacement)> edits)
    {
        // Outermost edits only (a display() call inside a moved type travels with the type), applied from the end.
        var list = edits.OrderBy(e => e.Span.Start).ThenByDescending(e => e.Span.Length).ToList();
        var kept = new List<(TextSpan Span, string Replacement)>();
        foreach (var e in list) if (kept.Count == 0 || kept[^1].Span.End <= e.Span.Start) kept.Add(e);
        var sb = new System.Text.StringBuilder(text);
        foreach (var (span, replacement) in Enumerable.Reverse(kept)) sb.Remove(span.Start, span.Length).Insert(span.Start, replacement);
        return sb.ToString();
    }

    static string TrimBlankLines(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[0].Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return string.Join('\n', lines);
    }
}
