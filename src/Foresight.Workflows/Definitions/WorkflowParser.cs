using Foresight.Workflows.Definitions.Yaml;

namespace Foresight.Workflows.Definitions;

/// <summary>Parses the supported subset of GitHub Actions workflow syntax (YAML; JSON is YAML too).</summary>
public static class WorkflowParser
{
    /// <summary>Largest file accepted, in characters.</summary>
    public const int MaxChars = 1024 * 1024;

    /// <summary>GitHub's limit on the distinct reusable workflows one workflow file calls, nested ones included.</summary>
    public const int MaxCalledWorkflows = ReusableWorkflows.MaxWorkflows;

    /// <summary>
    /// Never throws on bad input: every problem is a diagnostic with line and column. The definition is returned only
    /// when there is no diagnostic of either kind.
    /// </summary>
    public static WorkflowParseResult Parse(string text, string source) => Parse(text, source, (ReusableWorkflows?)null);

    /// <summary>
    /// Like <see cref="Parse(string, string)"/>, and a job that calls a reusable workflow of the same repository
    /// (<c>uses: ./.github/workflows/x.yml</c>) reads it with <paramref name="readFile"/>: a path relative to the
    /// repository root (<c>.github/workflows/x.yml</c>) to the file's text, null when there is no such file.
    /// </summary>
    public static WorkflowParseResult Parse(string text, string source, Func<string, string?>? readFile) =>
        Parse(text, source, readFile is null ? null : new ReusableWorkflows(readFile, source ?? ""));

    /// <summary>
    /// Like <see cref="Parse(string, string, Func{string, string?})"/>, and a job that calls a reusable workflow of
    /// another repository (<c>owner/repo/.github/workflows/x.yml@ref</c>) reads it from the action cache
    /// <paramref name="actionCache"/>, <c>&lt;cache&gt;/&lt;owner&gt;/&lt;repo&gt;/&lt;ref&gt;/.github/workflows/x.yml</c>; a missing
    /// file is an error naming that path.
    /// </summary>
    public static WorkflowParseResult Parse(string text, string source, Func<string, string?> readFile, string? actionCache) =>
        Parse(text, source, new ReusableWorkflows(readFile, source ?? "", actionCache));

    /// <summary>Whether <paramref name="key"/> names a reusable workflow as a file reader is asked for it:
    /// <c>.github/workflows/x.yml</c> of the same repository, or <c>owner/repo/.github/workflows/x.yml@ref</c>.</summary>
    public static bool IsCalledWorkflowKey(string key) => ReusableWorkflows.IsKey(key);

    internal static WorkflowParseResult Parse(string text, string source, ReusableWorkflows? calls)
    {
        source ??= "";
        var diagnostics = new DiagnosticSink(source);
        if (text is null)
        {
            diagnostics.Error(1, 1, "the file is empty");
            return new WorkflowParseResult(null, diagnostics.Items);
        }

        if (text.Length > MaxChars)
        {
            diagnostics.Error(1, 1, $"the file is larger than {MaxChars / 1024} KiB");
            return new WorkflowParseResult(null, diagnostics.Items);
        }

        // A byte-order mark is not content (YamlDotNet would make it part of the first key).
        if (text.StartsWith('\uFEFF'))
        {
            text = text[1..];
        }

        var root = YamlTreeReader.Read(text, diagnostics);
        WorkflowDefinition? definition = null;
        if (root is not null)
        {
            definition = new WorkflowReader(diagnostics, new SourceText(text), calls).Read(root, source);
        }

        var sorted = diagnostics.Items.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
        if (definition is not null)
        {
            definition.Text = text;
            definition.Files = calls?.Files ?? new Dictionary<string, string>();
        }

        return new WorkflowParseResult(sorted.Count == 0 ? definition : null, sorted) { UnresolvedCalls = calls?.Unresolved ?? [] };
    }
}

/// <summary>A parsed workflow file: its triggers, settings and jobs (matrices expanded into combinations), ready to expand into runs.</summary>
public sealed class WorkflowDefinition
{
    /// <summary>The workflow's <c>name</c>, or the file name when it has none.</summary>
    public string Name { get; init; } = "";

    public string Source { get; init; } = "";

    /// <summary>The file's text (a job whose matrix is decided at run time is expanded from it again).</summary>
    internal string Text { get; set; } = "";

    /// <summary>The reusable workflows it calls, by path in the repository, as they were read.</summary>
    internal IReadOnlyDictionary<string, string> Files { get; set; } = new Dictionary<string, string>();

    /// <summary>Its <c>on.workflow_call</c>: null when it is not a reusable workflow.</summary>
    internal CallInterface? Call { get; init; }

    /// <summary>The job ids, in file order.</summary>
    public IReadOnlyList<string> JobIds => [.. Jobs.Select(j => j.Id)];

    /// <summary>The events the workflow is declared for. A webhook starts it on push and pull_request; `foresight run` and the API on any.</summary>
    public IReadOnlyList<string> EventNames => [.. Events.Select(e => e.Event)];

    internal IReadOnlyList<EventFilter> Events { get; init; } = [];

    internal IReadOnlyList<DispatchInput> Inputs { get; init; } = [];

    internal IReadOnlyList<EnvEntry> Env { get; init; } = [];

    internal Expressions.Template? ConcurrencyGroup { get; init; }

    internal BoolSetting CancelInProgress { get; init; } = BoolSetting.False;

    internal RunDefaults Defaults { get; init; } = RunDefaults.None;

    internal ForesightSettings Foresight { get; init; } = ForesightSettings.None;

    internal IReadOnlyList<JobDefinition> Jobs { get; init; } = [];

    /// <summary>
    /// Whether an event on a ref starts this workflow. <paramref name="branch"/> is a branch name or a full ref
    /// (<c>refs/heads/main</c>, <c>refs/tags/v1</c>); for pull_request it is the base (target) branch. Path filters
    /// are kept but not evaluated (a webhook does not list changed files), so they never prevent a start.
    /// <c>api</c> (a direct submission) always matches.
    /// </summary>
    public bool IsTriggeredBy(string eventName, string? branch)
    {
        if (eventName == "api")
        {
            return true;
        }

        var filter = Events.FirstOrDefault(e => e.Event == eventName);
        if (filter is null)
        {
            return false;
        }

        var (isTag, name) = SplitRef(branch);
        return eventName switch
        {
            "push" when isTag => filter.Tags is { } tags ? tags.Allows(name!) : filter.Branches is null,
            "push" => filter.Branches is { } branches ? name is not null && branches.Allows(name) : filter.Tags is null,
            "pull_request" => filter.Branches is not { } prBranches || (name is not null && prBranches.Allows(name)),
            _ => true,
        };
    }

    private static (bool IsTag, string? Name) SplitRef(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return (false, null);
        }

        if (reference.StartsWith("refs/tags/", StringComparison.Ordinal))
        {
            return (true, reference["refs/tags/".Length..]);
        }

        return (false, reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : reference);
    }
}
