namespace Foresight.Abstractions.Jobs;

/// <summary>What to run and what it needs. Immutable once submitted.</summary>
/// <param name="Name">Human-readable name; also part of the job's signature for learning.</param>
/// <param name="Command">Shell command run with <c>/bin/sh -c</c> on the worker.</param>
/// <param name="Labels">The <c>runs-on</c> labels: every one must be present on the worker.</param>
/// <param name="Cpu">CPU request in cores.</param>
/// <param name="MemoryMb">Memory request in MiB.</param>
/// <param name="Priority">Higher runs first; waiting jobs age upwards so nothing starves.</param>
/// <param name="Timeout">Wall-clock limit for one attempt; null = the server default.</param>
/// <param name="MaxAttempts">Attempts in all, first included.</param>
/// <param name="RetryableExitCodes">Exit codes that earn another attempt (besides a lost worker).</param>
/// <param name="Pool">The worker pool; null = the default pool.</param>
/// <param name="Env">Extra environment variables for the command.</param>
/// <param name="WorkflowId">The workflow run this job belongs to, if any.</param>
/// <param name="WorkflowJobKey">The job's key inside its workflow.</param>
/// <param name="Steps">The steps to run in order in one workspace; null = <paramref name="Command"/> as the only step.</param>
/// <param name="SecretScope">Where the job's secrets come from (a repository like <c>octo/repo</c> or a workflow name);
/// the values are resolved on the server when the job is assigned and never stored with the job.</param>
/// <param name="TraceParent">The W3C <c>traceparent</c> of the span the job's spans belong under (set by the server:
/// the workflow run's span on submit, the job's own span once accepted; the agent's execution span is its child).</param>
[GenerateSerializer, Immutable]
public sealed record JobSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Command,
    [property: Id(2)] IReadOnlyList<string> Labels,
    [property: Id(3)] double Cpu = 1,
    [property: Id(4)] long MemoryMb = 256,
    [property: Id(5)] int Priority = 0,
    [property: Id(6)] TimeSpan? Timeout = null,
    [property: Id(7)] int MaxAttempts = 3,
    [property: Id(8)] IReadOnlyList<int>? RetryableExitCodes = null,
    [property: Id(9)] string? Pool = null,
    [property: Id(10)] IReadOnlyDictionary<string, string>? Env = null,
    [property: Id(11)] string? WorkflowId = null,
    [property: Id(12)] string? WorkflowJobKey = null,
    [property: Id(13)] IReadOnlyList<StepSpec>? Steps = null,
    [property: Id(14)] string? SecretScope = null,
    [property: Id(15)] string? TraceParent = null)
{
    /// <summary>A workflow job's <c>outputs:</c> as written (with <c>${{ }}</c>), evaluated by the agent when the job ends.</summary>
    [Id(16)]
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }

    /// <summary>A workflow job's expression contexts known before it runs (a JSON object with <c>github</c>, <c>matrix</c>,
    /// <c>strategy</c>, <c>inputs</c>, <c>vars</c>, <c>needs</c>); set, the agent evaluates the <c>${{ }}</c> left in the
    /// steps, their <c>if</c>, <c>uses</c> and file commands as GitHub's runner does.</summary>
    [Id(17)]
    public string? Context { get; init; }

    /// <summary>The secrets the job sees when a reusable workflow passes them by name (<c>secrets: { token: ${{ secrets.DEPLOY }} }</c>):
    /// each name to the secret of <see cref="SecretScope"/> it takes, or to <c>=value</c> for a value written in the workflow
    /// file (<c>secrets: { token: abc }</c>); null: every secret of the scope under its own name.</summary>
    [Id(50)]
    public IReadOnlyDictionary<string, string>? SecretNames { get; init; }

    /// <summary>The job's profile key (what its duration and resource statistics are kept under); null: see
    /// <c>ProfileKeys.Of</c> (a hash of the command).</summary>
    [Id(70)]
    public string? Profile { get; init; }

    /// <summary>The job declared no CPU: <see cref="Cpu"/> is the default, and its profile's estimate may replace it.</summary>
    [Id(71)]
    public bool CpuDefaulted { get; init; }

    /// <summary>The job declared no memory: <see cref="MemoryMb"/> is the default, and its profile's estimate may replace it.</summary>
    [Id(72)]
    public bool MemoryDefaulted { get; init; }
}

/// <summary>One step of a job: a shell script run in the job's workspace.</summary>
/// <param name="Name">Display name (the <c>run</c> text's first line when the file gives none).</param>
/// <param name="Run">The script.</param>
/// <param name="Env">Step environment, over the job's.</param>
/// <param name="Shell">bash, sh, or a command template containing <c>{0}</c>; null = bash if present, else sh.</param>
/// <param name="WorkingDirectory">Relative to the job workspace.</param>
/// <param name="ContinueOnError">A failure of this step does not fail the job.</param>
/// <param name="Timeout">Wall-clock limit of this step.</param>
[GenerateSerializer, Immutable]
public sealed record StepSpec(
    [property: Id(0)] string Name,
    [property: Id(1)] string Run,
    [property: Id(2)] IReadOnlyDictionary<string, string>? Env = null,
    [property: Id(3)] string? Shell = null,
    [property: Id(4)] string? WorkingDirectory = null,
    [property: Id(5)] bool ContinueOnError = false,
    [property: Id(6)] TimeSpan? Timeout = null)
{
    /// <summary>The step's <c>id</c> (for <c>steps.&lt;id&gt;</c>).</summary>
    [Id(7)]
    public string? Id { get; init; }

    /// <summary>The step's <c>if</c> left for the agent to decide (status functions, <c>steps</c>, <c>env</c>, …).</summary>
    [Id(8)]
    public string? If { get; init; }

    /// <summary>The action the step runs (<c>./path</c>, <c>owner/repo/path@ref</c>) instead of <see cref="Run"/>.</summary>
    [Id(9)]
    public string? Uses { get; init; }

    /// <summary>The action's inputs (<c>with:</c>), values may hold <c>${{ }}</c>.</summary>
    [Id(10)]
    public IReadOnlyDictionary<string, string>? With { get; init; }
}
