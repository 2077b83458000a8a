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
public sealed record WorkflowParseResult(WorkflowDefinition? Definition, IReadOnlyList<WorkflowDiagnostic> Diagnostics);

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
}

/// <summary>One step of an expanded job.</summary>
public sealed record ExpandedStep(
    string Name,
    string Run,
    IReadOnlyDictionary<string, string> Env,
    string? Shell,
    string? WorkingDirectory,
    bool ContinueOnError,
    TimeSpan? Timeout);
