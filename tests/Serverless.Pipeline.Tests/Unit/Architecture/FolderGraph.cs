using System.Reflection;
using System.Text.RegularExpressions;

namespace Serverless.Pipeline.Tests.Unit.Architecture;

/// <summary>
/// Which top-level folders of the library depend on which, read two ways: from the source text (using directives,
/// fully and partially qualified names) and from the compiled assembly (the types that fields, properties, method
/// signatures, base types and interfaces name). Each dependency keeps one place that shows it, for messages.
/// </summary>
internal sealed partial class FolderGraph
{
    private const string RootNamespace = "Serverless.Pipeline";
    private readonly SortedDictionary<string, SortedDictionary<string, string>> _edges = new(StringComparer.Ordinal);

    public SortedSet<string> Folders { get; } = new(StringComparer.Ordinal);

    /// <summary>Files whose namespace does not start with the namespace of their folder.</summary>
    public List<string> Misplaced { get; } = [];

    public IReadOnlyDictionary<string, string> DependenciesOf(string folder) =>
        _edges.TryGetValue(folder, out var targets) ? targets : new SortedDictionary<string, string>(StringComparer.Ordinal);

    public IEnumerable<(string From, string To, string Evidence)> Edges =>
        _edges.SelectMany(e => e.Value.Select(t => (e.Key, t.Key, t.Value)));

    public static FolderGraph Read(string sourceDirectory, Assembly assembly)
    {
        var graph = new FolderGraph();
        graph.ReadSources(sourceDirectory);
        graph.ReadAssembly(assembly);
        return graph;
    }

    /// <summary>Every cycle's folders in order, one cycle per strongly connected group of folders.</summary>
    public List<List<string>> FindCycles()
    {
        var cycles = new List<List<string>>();
        foreach (var group in StronglyConnectedGroups().Where(g => g.Count > 1))
        {
            cycles.Add(CycleWithin(group));
        }

        return cycles;
    }

    private void ReadSources(string sourceDirectory)
    {
        var files = Directory.EnumerateFiles(sourceDirectory, "*.cs", SearchOption.AllDirectories)
            .Select(path => (Path: path, Relative: Path.GetRelativePath(sourceDirectory, path).Replace('\\', '/')))
            .Where(f => f.Relative.Contains('/', StringComparison.Ordinal) && !f.Relative.StartsWith("obj/", StringComparison.Ordinal) && !f.Relative.StartsWith("bin/", StringComparison.Ordinal))
            .Select(f => (f.Relative, Folder: f.Relative[..f.Relative.IndexOf('/', StringComparison.Ordinal)], Text: WithoutLineComments(File.ReadAllText(f.Path))))
            .ToList();
        var typesByFolder = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            Folders.Add(file.Folder);
            var declared = typesByFolder.TryGetValue(file.Folder, out var set) ? set : typesByFolder[file.Folder] = new HashSet<string>(StringComparer.Ordinal);
            declared.UnionWith(TypeDeclaration().Matches(file.Text).Select(m => m.Groups["name"].Value));
            var ns = NamespaceDeclaration().Match(file.Text).Groups["name"].Value;
            if (ns != RootNamespace + "." + file.Folder && !ns.StartsWith(RootNamespace + "." + file.Folder + ".", StringComparison.Ordinal))
            {
                Misplaced.Add($"{file.Relative} declares namespace '{ns}'");
            }
        }

        foreach (var file in files)
        {
            foreach (Match match in QualifiedName().Matches(file.Text))
            {
                Add(file.Folder, match.Groups["folder"].Value, file.Relative);
            }

            foreach (Match match in PartiallyQualifiedName().Matches(file.Text))
            {
                var folder = match.Groups["folder"].Value;
                if (typesByFolder.TryGetValue(folder, out var types) && types.Contains(match.Groups["type"].Value))
                {
                    Add(file.Folder, folder, file.Relative);
                }
            }
        }
    }

    private void ReadAssembly(Assembly assembly)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            if (FolderOf(type) is not { } from)
            {
                continue;
            }

            var referenced = new List<Type?> { type.BaseType };
            referenced.AddRange(type.GetInterfaces());
            referenced.AddRange(type.GetFields(all).Select(f => f.FieldType));
            referenced.AddRange(type.GetProperties(all).Select(p => p.PropertyType));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                referenced.AddRange(method.GetParameters().Select(p => p.ParameterType));
                if (method is MethodInfo info)
                {
                    referenced.Add(info.ReturnType);
                }
            }

            foreach (var target in referenced.SelectMany(Unwrap))
            {
                if (target.Assembly == assembly && FolderOf(target) is { } to)
                {
                    Add(from, to, type.FullName ?? type.Name);
                }
            }
        }
    }

    private static IEnumerable<Type> Unwrap(Type? type)
    {
        if (type is null)
        {
            yield break;
        }

        if (type.HasElementType)
        {
            foreach (var inner in Unwrap(type.GetElementType()))
            {
                yield return inner;
            }

            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (var inner in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return inner;
            }
        }
    }

    private static string? FolderOf(Type type)
    {
        var ns = type.Namespace;
        if (ns is null || !ns.StartsWith(RootNamespace + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[(RootNamespace.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private void Add(string from, string to, string evidence)
    {
        if (from == to)
        {
            return;
        }

        var targets = _edges.TryGetValue(from, out var existing) ? existing : _edges[from] = new SortedDictionary<string, string>(StringComparer.Ordinal);
        targets.TryAdd(to, evidence);
    }

    private List<List<string>> StronglyConnectedGroups()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var groups = new List<List<string>>();

        void Visit(string folder)
        {
            index[folder] = low[folder] = index.Count;
            stack.Push(folder);
            onStack.Add(folder);
            foreach (var next in DependenciesOf(folder).Keys)
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[folder] = Math.Min(low[folder], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[folder] = Math.Min(low[folder], index[next]);
                }
            }

            if (low[folder] == index[folder])
            {
                var group = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    group.Add(member);
                }
                while (member != folder);
                groups.Add(group);
            }
        }

        foreach (var folder in Folders.Concat(_edges.Keys).Distinct(StringComparer.Ordinal).Where(f => !index.ContainsKey(f)))
        {
            Visit(folder);
        }

        return groups;
    }

    // The shortest way from the group's first folder back to itself, staying inside the group.
    private List<string> CycleWithin(List<string> group)
    {
        var members = group.ToHashSet(StringComparer.Ordinal);
        var start = group.Min(StringComparer.Ordinal)!;
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var folder = queue.Dequeue();
            foreach (var next in DependenciesOf(folder).Keys.Where(members.Contains))
            {
                if (next == start)
                {
                    var path = new List<string> { start };
                    for (var at = folder; at != start; at = cameFrom[at])
                    {
                        path.Insert(1, at);
                    }

                    path.Add(start);
                    return path;
                }

                if (cameFrom.TryAdd(next, folder))
                {
                    queue.Enqueue(next);
                }
            }
        }

        return [start, start];
    }

    private static string WithoutLineComments(string text) => LineComment().Replace(text, string.Empty);

    [GeneratedRegex(@"(?<!/)//(?!/).*$", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"^\s*namespace\s+(?<name>[\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    [GeneratedRegex(@"\b(?:class|struct|record|interface|enum)\s+(?<name>[A-Z]\w*)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\bServerless\.Pipeline\.(?<folder>[A-Z]\w*)")]
    private static partial Regex QualifiedName();

    [GeneratedRegex(@"(?<![\w.])(?<folder>[A-Z]\w*)\.(?<type>[A-Z]\w*)\b")]
    private static partial Regex PartiallyQualifiedName();
}
