using System.Text.RegularExpressions;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Tutorials.Tests.Support;
using Xunit;

namespace Tutorials.Tests.Layout;

/// <summary>
/// The library's shape, as a maintainer reads it: one folder per concept, the namespace equal to the folder, no two
/// folders that need each other, and freezing written in one place. Dependencies are read from the compiled
/// library (every type a type's signatures and method bodies name), so a reference through a lambda, a generic
/// argument or a fully qualified name counts as much as a <c>using</c>.
/// </summary>
public class LibraryLayoutTests
{
    static readonly string Lib = Path.Combine(Repo.Root, "lib");

    static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(Lib, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));

    [Fact]
    public void EveryFilesNamespaceIsItsFolder()
    {
        var wrong = new List<string>();
        foreach (var file in SourceFiles())
        {
            var folder = Path.GetRelativePath(Lib, Path.GetDirectoryName(file)!);
            var expected = folder == "." ? "Tutorials" : "Tutorials." + folder.Replace(Path.DirectorySeparatorChar, '.');
            var declared = Regex.Match(File.ReadAllText(file), @"^namespace ([\w.]+)", RegexOptions.Multiline).Groups[1].Value;
            if (declared != expected) wrong.Add($"{Path.GetRelativePath(Lib, file)}: namespace {declared}, expected {expected}");
        }
        Assert.True(wrong.Count == 0, "Namespaces must equal folders:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void NoTwoFoldersDependOnEachOther()
    {
        var graph = FolderDependencies(out var examples);
        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).ToList();
        Assert.True(cycles.Count == 0,
            "Folders of lib/ that depend on each other (a cycle): " + string.Join("; ", cycles.Select(c =>
                string.Join(" ↔ ", c) + " — e.g. " + string.Join(", ", c.SelectMany(a => c.Where(b => b != a && examples.ContainsKey((a, b)))
                    .Select(b => $"{a}→{b} via {examples[(a, b)]}")).Take(20)))));
    }

    [Fact]
    public void TheRootNamespaceIsOnlyTheEntryPoint()
    {
        // Kit (the first cell's Setup) may use every folder; no folder may use it back.
        var graph = FolderDependencies(out var examples);
        var users = graph.Where(kv => kv.Key != "Tutorials" && kv.Value.Contains("Tutorials") && kv.Key != "Tutorials.Notebooks")
            .Select(kv => $"{kv.Key} (via {examples[(kv.Key, "Tutorials")]})").ToList();
        Assert.True(users.Count == 0, "Folders that call back into the root namespace: " + string.Join(", ", users));
    }

    [Fact]
    public void ParametersAreFrozenInOneFile()
    {
        // Code only: comments and strings (an exercise's message "set requires_grad = false") do not count.
        static string Code(string text) => Regex.Replace(Regex.Replace(text, @"//[^\n]*", ""), @"""(?:[^""\\\n]|\\.)*""", "\"\"");
        var files = SourceFiles().Where(f => Regex.IsMatch(Code(File.ReadAllText(f)), @"\.requires_grad\s*=[^=]")).ToList();
        Assert.Equal(["Freezer.cs"], files.Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void EveryScaffoldingFileSaysWhichNotebookItServes()
    {
        var silent = Directory.EnumerateFiles(Path.Combine(Lib, "Notebooks"), "*.cs")
            .Where(f => !Regex.IsMatch(File.ReadAllText(f), @"[Nn]otebooks? 0[0-4]"))
            .Select(Path.GetFileName).ToList();
        Assert.True(silent.Count == 0, "lib/Notebooks files that do not name the notebook they serve: " + string.Join(", ", silent));
    }

    /// <summary>Namespace → namespaces its types use, from the compiled library; one example reference per edge.</summary>
    static Dictionary<string, HashSet<string>> FolderDependencies(out Dictionary<(string, string), string> examples)
    {
        using var module = ModuleDefinition.ReadModule(typeof(Tutorials.Kit).Assembly.Location);
        var graph = new Dictionary<string, HashSet<string>>();
        var found = new Dictionary<(string, string), string>();
        foreach (var type in module.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null || !from.StartsWith("Tutorials", StringComparison.Ordinal)) continue;
            var set = graph.TryGetValue(from, out var s) ? s : graph[from] = new HashSet<string>();
            void Use(TypeReference? t)
            {
                foreach (var used in Expand(t))
                {
                    if (used.Scope != module && used.Module != module) continue;   // only the library's own types
                    var to = NamespaceOf(used);
                    if (to is null || to == from || !to.StartsWith("Tutorials", StringComparison.Ordinal)) continue;
                    if (set.Add(to)) found[(from, to)] = $"{type.FullName} → {used.FullName}";
                }
            }
            Use(type.BaseType);
            foreach (var i in type.Interfaces) Use(i.InterfaceType);
            foreach (var f in type.Fields) Use(f.FieldType);
            foreach (var p in type.Properties) Use(p.PropertyType);
            foreach (var m in type.Methods)
            {
                Use(m.ReturnType);
                foreach (var p in m.Parameters) Use(p.ParameterType);
                if (!m.HasBody) continue;
                foreach (var v in m.Body.Variables) Use(v.VariableType);
                foreach (var ins in m.Body.Instructions)
                    switch (ins.Operand)
                    {
                        case TypeReference t: Use(t); break;
                        case MethodReference mr:
                            Use(mr.DeclaringType); Use(mr.ReturnType);
                            foreach (var p in mr.Parameters) Use(p.ParameterType);
                            if (mr is GenericInstanceMethod g) foreach (var a in g.GenericArguments) Use(a);
                            break;
                        case FieldReference fr: Use(fr.DeclaringType); Use(fr.FieldType); break;
                    }
            }
        }
        examples = found;
        return graph;
    }

    /// <summary>A type and everything inside it: element types of arrays, arguments of generics.</summary>
    static IEnumerable<TypeReference> Expand(TypeReference? t)
    {
        if (t is null) yield break;
        switch (t)
        {
            case GenericInstanceType g:
                foreach (var x in Expand(g.ElementType)) yield return x;
                foreach (var a in g.GenericArguments) foreach (var x in Expand(a)) yield return x;
                break;
            case TypeSpecification spec:
                foreach (var x in Expand(spec.ElementType)) yield return x;
                break;
            case GenericParameter:
                break;
            default:
                yield return t;
                break;
        }
    }

    /// <summary>The namespace of a type, or of the type it is nested in (lambdas' closures are nested types).</summary>
    static string? NamespaceOf(TypeReference t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return string.IsNullOrEmpty(t.Namespace) ? null : t.Namespace;
    }

    /// <summary>Tarjan's strongly connected components: a component of more than one node is a cycle.</summary>
    static List<List<string>> StronglyConnected(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        int next = 0;
        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v); onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            result.Add(component);
        }
        foreach (var v in graph.Keys.ToList()) if (!index.ContainsKey(v)) Visit(v);
        return result;
    }
}
