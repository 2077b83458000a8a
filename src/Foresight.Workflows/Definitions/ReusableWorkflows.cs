using Foresight.Workflows.Definitions.Yaml;

namespace Foresight.Workflows.Definitions;

/// <summary>
/// The reusable workflows a workflow calls, with GitHub's limits: four levels of workflows (the caller and three nested
/// calls), twenty distinct called files, and no cycle. One of the same repository (<c>./.github/workflows/x.yml</c>)
/// is read through the file reader; one of another repository (<c>owner/repo/.github/workflows/x.yml@ref</c>) through
/// the reader too (keyed by that text, so a run that saved the files reads them again), else from the action cache,
/// <c>&lt;cache&gt;/&lt;owner&gt;/&lt;repo&gt;/&lt;ref&gt;/.github/workflows/x.yml</c>. A <c>./</c> call inside a workflow of another
/// repository names a file of that repository. Each called file is parsed with the same rules; its problems are
/// reported at the <c>uses</c> line of the caller, naming the file, line and column.
/// </summary>
internal sealed class ReusableWorkflows
{
    /// <summary>GitHub's limit: the top-level caller and up to three levels of reusable workflows.</summary>
    public const int MaxLevels = 4;

    /// <summary>GitHub's limit on the distinct reusable workflows one workflow file calls, nested ones included.</summary>
    public const int MaxWorkflows = 20;

    private readonly Func<string, string?> _read;
    private readonly string? _actionCache;
    private readonly IReadOnlyList<string> _chain;
    private readonly Dictionary<string, string> _files;
    private readonly List<UnresolvedCall> _unresolved;

    /// <summary>The source of the top-level file (null in a called file's reader: its file is the chain's last key).</summary>
    private readonly string? _source;

    /// <summary>The repository of the file being read, <c>owner/repo@ref</c>; null: the caller's own.</summary>
    private readonly RemoteWorkflow? _repository;

    public ReusableWorkflows(Func<string, string?> read, string source, string? actionCache = null)
        : this(read, actionCache, [TopLevelPath(source)], new Dictionary<string, string>(StringComparer.Ordinal), [], null)
    {
        _source = source;
    }

    private ReusableWorkflows(Func<string, string?> read, string? actionCache, IReadOnlyList<string> chain, Dictionary<string, string> files, List<UnresolvedCall> unresolved, RemoteWorkflow? repository)
    {
        _read = read;
        _actionCache = actionCache;
        _chain = chain;
        _files = files;
        _unresolved = unresolved;
        _repository = repository;
    }

    /// <summary>The called files read so far, by path in the repository.</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <summary>The calls whose file could not be read, nested ones included.</summary>
    public IReadOnlyList<UnresolvedCall> Unresolved => _unresolved;

    /// <summary>The definition of the workflow <paramref name="uses"/> names and its path, or null with the problem reported.</summary>
    public (WorkflowDefinition Definition, string Path)? Read(YScalar uses, string jobId, DiagnosticSink diagnostics)
    {
        var value = uses.Value.Trim();
        RemoteWorkflow? remote;
        string path;
        if (value.StartsWith("./", StringComparison.Ordinal))
        {
            if (!IsWorkflowPath(value[2..]))
            {
                diagnostics.Error(uses, $"job '{jobId}': a reusable workflow is a .yml or .yaml file directly in .github/workflows, not '{value}'");
                return null;
            }

            remote = _repository is { } inRepository ? inRepository with { Path = value[2..] } : null;
            path = remote?.Key ?? value[2..];
        }
        else if (RemoteWorkflow.Parse(value) is { } other)
        {
            remote = other;
            path = other.Key;
        }
        else
        {
            diagnostics.Error(uses, $"job '{jobId}': uses must name a workflow file, ./.github/workflows/<file>.yml or owner/repo/.github/workflows/<file>.yml@ref, not '{value}'");
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
            if (text is null && remote is not null)
            {
                if (_actionCache is null)
                {
                    Unresolve(uses, jobId, path, null);
                    diagnostics.Unsupported(uses, "jobs.<id>.uses (another repository)",
                        $"job '{jobId}' calls {value}, a workflow of another repository, and there is no action cache to read it from (foresight run --actions-cache, Foresight:Actions:CacheDirectory)");
                    return null;
                }

                var cached = remote.CachePath(_actionCache);
                text = File.Exists(cached) ? File.ReadAllText(cached) : null;
                if (text is null)
                {
                    Unresolve(uses, jobId, path, cached);
                    diagnostics.Error(uses, $"job '{jobId}' calls {value}, which is not in the action cache: {cached} does not exist");
                    return null;
                }
            }

            if (text is null)
            {
                Unresolve(uses, jobId, path, null);
                diagnostics.Error(uses, $"job '{jobId}' calls {value}, which is not in the repository (no file {path})");
                return null;
            }

            _files[path] = text;
        }

        var parsed = WorkflowParser.Parse(text, path, new ReusableWorkflows(_read, _actionCache, [.. _chain, path], _files, _unresolved, remote ?? _repository));
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

    private void Unresolve(YScalar uses, string jobId, string key, string? lookedFor) =>
        _unresolved.Add(new UnresolvedCall(_chain.Count == 1 && _source is not null ? _source : _chain[^1], jobId, uses.Value.Trim(), key, lookedFor, uses.Line, uses.Column));

    /// <summary>Whether <paramref name="key"/> names a reusable workflow as the file reader is asked for it:
    /// <c>.github/workflows/x.yml</c> (or <c>.yaml</c>) of the same repository, or
    /// <c>owner/repo/.github/workflows/x.yml@ref</c> of another one.</summary>
    public static bool IsKey(string key) => IsWorkflowPath(key) || RemoteWorkflow.Parse(key) is not null;

    /// <summary>A .yml or .yaml file directly in .github/workflows.</summary>
    internal static bool IsWorkflowPath(string path) =>
        path.StartsWith(".github/workflows/", StringComparison.Ordinal) && !path[".github/workflows/".Length..].Contains('/', StringComparison.Ordinal)
        && (path.EndsWith(".yml", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal));

    /// <summary>Where the top-level file is in its repository: a bare file name is one of <c>.github/workflows</c>.</summary>
    private static string TopLevelPath(string source)
    {
        var normalized = source.Replace('\\', '/');
        var at = normalized.IndexOf(".github/workflows/", StringComparison.Ordinal);
        return at >= 0 ? normalized[at..] : ".github/workflows/" + Path.GetFileName(normalized);
    }
}

/// <summary>A reusable workflow of another repository, <c>owner/repo/.github/workflows/x.yml@ref</c>.</summary>
internal sealed record RemoteWorkflow(string Owner, string Repo, string Path, string Ref)
{
    /// <summary>How the run keeps the file: the <c>uses</c> text, <c>owner/repo/.github/workflows/x.yml@ref</c>.</summary>
    public string Key => $"{Owner}/{Repo}/{Path}@{Ref}";

    /// <summary>Where the action cache holds it: <c>&lt;cache&gt;/&lt;owner&gt;/&lt;repo&gt;/&lt;ref&gt;/.github/workflows/x.yml</c>.</summary>
    public string CachePath(string cache) => System.IO.Path.Combine(cache, Owner, Repo, Ref, Path);

    /// <summary>The parts of <paramref name="uses"/>; null when it is not <c>owner/repo/.github/workflows/x.yml@ref</c>
    /// (an owner, repository or ref segment that is empty, <c>.</c> or <c>..</c> would leave the cache: not one).</summary>
    public static RemoteWorkflow? Parse(string uses)
    {
        var at = uses.LastIndexOf('@');
        if (at <= 0 || at == uses.Length - 1)
        {
            return null;
        }

        var parts = uses[..at].Split('/', 3);
        var reference = uses[(at + 1)..];
        if (parts.Length != 3 || !ReusableWorkflows.IsWorkflowPath(parts[2]) || parts.Take(2).Append(reference).Any(p => p.Length == 0 || p is "." or ".." || p.Contains('\\', StringComparison.Ordinal))
            || reference.Split('/').Any(p => p is "" or "." or ".."))
        {
            return null;
        }

        return new RemoteWorkflow(parts[0], parts[1], parts[2], reference);
    }
}
