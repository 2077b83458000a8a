namespace Foresight.Abstractions.Scheduling;

/// <summary>What the scheduler needs to place one attempt: no command, no environment, just its demand.
/// <see cref="NotBefore"/> holds a retry back in the scheduler until its back-off has passed; <see cref="Profile"/> is the
/// job's profile key, which the scheduler's duration estimates are kept under.</summary>
[GenerateSerializer, Immutable]
public sealed record QueuedJob(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] IReadOnlyList<string> Labels,
    [property: Id(3)] double Cpu,
    [property: Id(4)] long MemoryMb,
    [property: Id(5)] int Priority,
    [property: Id(6)] DateTimeOffset EnqueuedAt,
    [property: Id(7)] DateTimeOffset? NotBefore = null,
    [property: Id(8)] string? TraceParent = null,
    [property: Id(9)] string? Profile = null);
