using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Tutorials.NotebookApps;

/// <summary>
/// In a notebook each cell is its own submission: a later cell may declare <c>var x</c> again and the kernel lets the
/// new one shadow the old. In one C# file all cells share one scope, where that is an error (CS0128, CS0136). This
/// check finds such names before the compiler does and says which cells clash and what to rename.
/// </summary>
public static class NameClashes
{
    public static void Check(IReadOnlyList<CellCode> cells, string notebookName)
    {
        var topLevel = new Dictionary<string, int>();   // name → first cell that declares it at top level
        var nested = new List<(string Name, int Cell)>();
        foreach (var cell in cells)
        {
            foreach (var name in TopLevelNames(cell.Syntax))
            {
                if (topLevel.TryGetValue(name, out var first))
                    throw new GeneratorException(
                        $"{notebookName}: cell {cell.Cell} declares '{name}' again (cell {first} declared it first). The notebook kernel lets a later " +
                        "cell redeclare a name; one C# file, where all cells share one scope, does not. Rename one of them in the notebook " +
                        $"(e.g. '{name}2', or a name that says how it differs) and regenerate.");
                topLevel[name] = cell.Cell;
            }
            nested.AddRange(NestedNames(cell.Syntax).Select(n => (n, cell.Cell)));
        }
        foreach (var (name, cell) in nested)
            if (topLevel.TryGetValue(name, out var declaredIn))
                throw new GeneratorException(
                    $"{notebookName}: cell {cell} declares '{name}' inside a block or loop, and cell {declaredIn} declares '{name}' at the top level. " +
                    "In one C# file the top-level one is in scope everywhere, so the inner one is an error (CS0136). Rename one of them in the notebook and regenerate.");
    }

    /// <summary>Variables, local functions, constants and types a cell declares at its top level.</summary>
    static IEnumerable<string> TopLevelNames(CompilationUnitSyntax root)
    {
        foreach (var member in root.Members)
        {
            switch (member)
            {
                case BaseTypeDeclarationSyntax t: yield return t.Identifier.Text; break;
                case DelegateDeclarationSyntax d: yield return d.Identifier.Text; break;
                case MethodDeclarationSyntax m: yield return m.Identifier.Text; break;
                case FieldDeclarationSyntax f: foreach (var v in f.Declaration.Variables) yield return v.Identifier.Text; break;
                case GlobalStatementSyntax { Statement: var s }:
                    if (s is LocalDeclarationStatementSyntax local) foreach (var v in local.Declaration.Variables) yield return v.Identifier.Text;
                    if (s is LocalFunctionStatementSyntax fn) yield return fn.Identifier.Text;
                    // `var (a, b) = …`, `out var x`, `is T t` in an expression statement or an if condition: in scope after it
                    SyntaxNode? scope = s switch { ExpressionStatementSyntax e => e, LocalDeclarationStatementSyntax l => l, IfStatementSyntax i => i.Condition, _ => null };
                    if (scope is not null)
                        foreach (var d in Outside(scope, skipFunctions: true).OfType<SingleVariableDesignationSyntax>()) yield return d.Identifier.Text;
                    break;
            }
        }
    }

    /// <summary>Names declared in blocks, loops and catch clauses of top-level statements (not inside lambdas or local functions, which may shadow).</summary>
    static IEnumerable<string> NestedNames(CompilationUnitSyntax root)
    {
        foreach (var g in root.Members.OfType<GlobalStatementSyntax>())
        {
            if (g.Statement is LocalDeclarationStatementSyntax or ExpressionStatementSyntax or LocalFunctionStatementSyntax) continue;
            foreach (var node in Outside(g.Statement, skipFunctions: true))
            {
                switch (node)
                {
                    case VariableDeclaratorSyntax v: yield return v.Identifier.Text; break;
                    case SingleVariableDesignationSyntax d when !IsIfCondition(d, g.Statement): yield return d.Identifier.Text; break;
                    case ForEachStatementSyntax fe: yield return fe.Identifier.Text; break;
                    case CatchDeclarationSyntax { Identifier.Text: var c } when c.Length > 0: yield return c; break;
                }
            }
        }
    }

    static bool IsIfCondition(SyntaxNode node, StatementSyntax top) => top is IfStatementSyntax i && i.Condition.Span.Contains(node.Span);

    static IEnumerable<SyntaxNode> Outside(SyntaxNode node, bool skipFunctions) =>
        node.DescendantNodesAndSelf(n => !skipFunctions || n == node || n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax));
}
