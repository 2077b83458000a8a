namespace Foresight.Workflows.Definitions;

/// <summary>A finding about a workflow file, with where it is. <see cref="Kind"/> is <c>error</c> (the file is invalid)
/// or <c>unsupported</c> (valid GitHub Actions syntax that Foresight does not run).</summary>
public sealed record WorkflowDiagnostic(string Source, int Line, int Column, string Kind, string Message)
{
    /// <summary>The <see cref="Kind"/> of a diagnostic that makes the file invalid.</summary>
    public const string Error = "error";

    /// <summary>The <see cref="Kind"/> of a diagnostic about valid GitHub Actions syntax that Foresight does not run.</summary>
    public const string Unsupported = "unsupported";

    /// <summary>For <c>unsupported</c>: a short name of the feature (e.g. <c>uses: actions/checkout</c>, <c>jobs.&lt;id&gt;.services</c>,
    /// <c>expression: secrets</c>), for summaries over many files.</summary>
    public string? Feature { get; init; }

    public override string ToString() => $"{Source}:{Line}:{Column}: {Kind}: {Message}";
}

/// <summary>The outcome of parsing one file: a definition when there are no diagnostics of either kind, and the diagnostics.</summary>
public sealed record WorkflowParseResult(WorkflowDefinition? Definition, IReadOnlyList<WorkflowDiagnostic> Diagnostics)
{
    /// <summary>The calls of reusable workflows that could not be read (each also has its diagnostic), in the order met.</summary>
    public IReadOnlyList<UnresolvedCall> UnresolvedCalls { get; init; } = [];
}

/// <summary>A job's call of a reusable workflow whose file could not be read.</summary>
/// <param name="File">The workflow file the call is written in (the top-level file's source, or a called file's key).</param>
/// <param name="Job">The calling job's id.</param>
/// <param name="Uses">The <c>uses</c> value as written.</param>
/// <param name="Key">What the file reader was asked for: <c>.github/workflows/x.yml</c>, or
/// <c>owner/repo/.github/workflows/x.yml@ref</c> for a workflow of another repository.</param>
/// <param name="LookedFor">For a workflow of another repository, the path in the action cache that does not exist; null
/// when there is no action cache or the file is one of the same repository.</param>
/// <param name="Line">The line of the <c>uses</c> value in <paramref name="File"/>.</param>
/// <param name="Column">Its column.</param>
public sealed record UnresolvedCall(string File, string Job, string Uses, string Key, string? LookedFor, int Line, int Column);

/// <summary>What started a run, for trigger matching and <c>${{ github.* }}</c>.</summary>
/// <param name="Event">push, pull_request, workflow_dispatch, or api.</param>
/// <param name="Repository">owner/name.</param>
/// <param name="Ref">refs/heads/main, refs/pull/1/merge, …</param>
/// <param name="Sha">The commit.</param>
/// <param name="Actor">Who triggered it.</param>
/// <param name="Inputs">workflow_dispatch inputs.</param>
/// <param name="DeliveryId">Webhook delivery id.</param>
/// <param name="BaseRef">For pull_request: the target branch.</param>
public sealed record WorkflowTrigger(
    string Event,
    string? Repository = null,
    string? Ref = null,
    string? Sha = null,
    string? Actor = null,
    IReadOnlyDictionary<string, string>? Inputs = null,
    string? DeliveryId = null,
    string? BaseRef = null)
{
    /// <summary>For pull_request: the source branch (<c>github.head_ref</c>).</summary>
    public string? HeadRef { get; init; }

    /// <summary>The webhook payload as JSON (<c>github.event</c>); null: an empty object.</summary>
    public string? EventPayload { get; init; }

    /// <summary>Variables every job's <c>env</c> starts with, under the workflow's own (<c>foresight run --env</c>, as act's
    /// <c>--env</c>); null: none.</summary>
    public IReadOnlyDictionary<string, string>? Env { get; init; }
}

/// <summary>A run ready to execute: the matrix expanded and expressions substituted. Pure data; the grains map it to
/// their serializable WorkflowSpec (Foresight.Grains.Workflows.WorkflowSpecMapper).</summary>
public sealed record ExpandedWorkflow(
    string Name,
    string Source,
    IReadOnlyList<ExpandedJob> Jobs,
    string? ConcurrencyGroup,
    bool CancelInProgress);

/// <summary>One job of an expanded run. <see cref="Key"/> is the job id, or <c>id (v1, v2)</c> for a matrix expansion.</summary>
public sealed record ExpandedJob(
    string Key,
    string Name,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Needs,
    string Condition,
    bool ContinueOnError,
    string? MatrixGroup,
    bool FailFast,
    int? MaxParallel,
    TimeSpan? Timeout,
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<ExpandedStep> Steps,
    int Priority,
    double? Cpu,
    long? MemoryMb,
    int? Retries,
    string? Pool)
{
    /// <summary><c>x-foresight.retry-exit-codes</c>: exit codes that earn another attempt.</summary>
    public IReadOnlyList<int>? RetryExitCodes { get; init; }

    /// <summary><c>outputs:</c> with the <c>${{ }}</c> the agent evaluates when the job ends.</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>();

    /// <summary>Set when the job's matrix is computed from contexts (<c>fromJSON(needs.x.outputs.m)</c>): what the run
    /// needs to expand it once the job's needs have ended (<see cref="WorkflowExpander.ExpandRunTimeMatrix"/>). Until
    /// then the job is one placeholder keyed by its id.</summary>
    public string? RunTimeMatrix { get; init; }

    /// <summary>Set on the job that calls a reusable workflow: it runs nothing and waits for the called jobs (keyed
    /// <c>caller / job</c>); the run ends it with their result and these outputs (<c>on.workflow_call.outputs</c>, with
    /// <c>${{ jobs.* }}</c> left to evaluate), which jobs after it read as <c>needs.caller.outputs</c>.</summary>
    public IReadOnlyDictionary<string, string>? CallOutputs { get; init; }

    /// <summary>The secrets the job sees (a called workflow's <c>secrets:</c>): by name, the run's secret each one is;
    /// null: all the run's secrets under their names.</summary>
    public IReadOnlyDictionary<string, string>? SecretNames { get; init; }

    /// <summary>The contexts known when the run is expanded, as a JSON object (<c>github</c> with <c>event</c>, <c>matrix</c>,
    /// <c>strategy</c>, <c>inputs</c>, <c>vars</c>), for the agent to evaluate what was left (see <see cref="ExpandedStep"/>).</summary>
    public string Context { get; init; } = "{}";
}

/// <summary>One step of an expanded job. Expressions known at expansion (github, matrix, inputs, strategy) are
/// substituted; the rest (env, steps, needs, secrets, status functions, …) stay as <c>${{ }}</c> for the agent.</summary>
public sealed record ExpandedStep(
    string Name,
    string Run,
    IReadOnlyDictionary<string, string> Env,
    string? Shell,
    string? WorkingDirectory,
    bool ContinueOnError,
    TimeSpan? Timeout)
{
    /// <summary>The step's <c>id</c>.</summary>
    public string? Id { get; init; }

    /// <summary>The step's <c>if</c> for the agent to decide (null: <c>success()</c>).</summary>
    public string? If { get; init; }

    /// <summary>The action the step runs instead of <see cref="Run"/>.</summary>
    public string? Uses { get; init; }

    /// <summary>The action's inputs.</summary>
    public IReadOnlyDictionary<string, string> With { get; init; } = new Dictionary<string, string>();
}
