using Foresight.Workflows.Definitions.Yaml;

namespace Foresight.Workflows.Definitions;

/// <summary>
/// The reusable workflows a workflow calls (<c>jobs.&lt;id&gt;.uses: ./.github/workflows/x.yml</c>), read from the same
/// repository through a file reader, with GitHub's limits: four levels of workflows (the caller and three nested
/// calls), twenty distinct called files, and no cycle. Each called file is parsed with the same rules; its problems
/// are reported at the <c>uses</c> line of the caller, naming the file, line and column.
/// </summary>
internal sealed class ReusableWorkflows
{
    /// <summary>GitHub's limit: the top-level caller and up to three levels of reusable workflows.</summary>
    public const int MaxLevels = 4;

    /// <summary>GitHub's limit on the distinct reusable workflows one workflow file calls, nested ones included.</summary>
    public const int MaxWorkflows = 20;

    private readonly Func<string, string?> _read;
    private readonly IReadOnlyList<string> _chain;
    private readonly Dictionary<string, string> _files;

    public ReusableWorkflows(Func<string, string?> read, string source)
        : this(read, [TopLevelPath(source)], new Dictionary<string, string>(StringComparer.Ordinal))
    {
    }

    private ReusableWorkflows(Func<string, string?> read, IReadOnlyList<string> chain, Dictionary<string, string> files)
    {
        _read = read;
        _chain = chain;
        _files = files;
    }

    /// <summary>The called files read so far, by path in the repository.</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <summary>The definition of the workflow <paramref name="uses"/> names and its path, or null with the problem reported.</summary>
    public (WorkflowDefinition Definition, string Path)? Read(YScalar uses, string jobId, DiagnosticSink diagnostics)
    {
        var value = uses.Value.Trim();
        if (!value.StartsWith("./", StringComparison.Ordinal))
        {
            if (value.Contains('@', StringComparison.Ordinal) && value.Contains("/.github/workflows/", StringComparison.Ordinal))
            {
                diagnostics.Unsupported(uses, "jobs.<id>.uses (another repository)",
                    $"job '{jobId}' calls {value}, a workflow of another repository; Foresight calls reusable workflows of the same repository (./.github/workflows/x.yml)");
            }
            else
            {
                diagnostics.Error(uses, $"job '{jobId}': uses must name a workflow file, ./.github/workflows/<file>.yml (or owner/repo/.github/workflows/<file>.yml@ref), not '{value}'");
            }

            return null;
        }

        var path = value[2..];
        if (!path.StartsWith(".github/workflows/", StringComparison.Ordinal) || path[".github/workflows/".Length..].Contains('/', StringComparison.Ordinal)
            || !(path.EndsWith(".yml", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal)))
        {
            diagnostics.Error(uses, $"job '{jobId}': a reusable workflow is a .yml or .yaml file directly in .github/workflows, not '{value}'");
            return null;
        }

        if (_chain.Contains(path))
        {
            diagnostics.Error(uses, $"reusable workflows call each other in a cycle: {string.Join(" -> ", _chain.SkipWhile(p => p != path).Append(path))}");
            return null;
        }

        if (_chain.Count >= MaxLevels)
        {
            diagnostics.Error(uses, $"job '{jobId}' calls {value} as a level-{_chain.Count + 1} workflow: GitHub nests at most {MaxLevels} levels of workflows ({string.Join(" -> ", _chain.Append(path))})");
            return null;
        }

        if (!_files.TryGetValue(path, out var text))
        {
            if (_files.Count >= MaxWorkflows)
            {
                diagnostics.Error(uses, $"job '{jobId}' calls {value}: a workflow may call at most {MaxWorkflows} distinct reusable workflows (GitHub's limit)");
                return null;
            }

            text = _read(path);
            if (text is null)
            {
                diagnostics.Error(uses, $"job '{jobId}' calls {value}, which is not in the repository (no file {path})");
                return null;
            }

            _files[path] = text;
        }

        var parsed = WorkflowParser.Parse(text, path, new ReusableWorkflows(_read, [.. _chain, path], _files));
        foreach (var problem in parsed.Diagnostics)
        {
            var message = $"in {value} (line {problem.Line}, column {problem.Column}): {problem.Message}";
            if (problem.Kind == WorkflowDiagnostic.Error)
            {
                diagnostics.Error(uses, message);
            }
            else
            {
                diagnostics.Unsupported(uses, problem.Feature ?? "reusable workflow", message);
            }
        }

        return parsed.Definition is { } definition ? (definition, path) : null;
    }

    /// <summary>Where the top-level file is in its repository: a bare file name is one of <c>.github/workflows</c>.</summary>
    private static string TopLevelPath(string source)
    {
        var normalized = source.Replace('\\', '/');
        var at = normalized.IndexOf(".github/workflows/", StringComparison.Ordinal);
        return at >= 0 ? normalized[at..] : ".github/workflows/" + Path.GetFileName(normalized);
    }
}
