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
    [property: Id(12)] string? WorkflowJobKey = null);
