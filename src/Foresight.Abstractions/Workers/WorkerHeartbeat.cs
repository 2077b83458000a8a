namespace Foresight.Abstractions.Workers;

/// <summary>A periodic sign of life, with the attempts the agent is running right now (the truth after a fail-over).</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerHeartbeat(
    [property: Id(0)] IReadOnlyList<Scheduling.JobAttempt> Running,
    [property: Id(1)] double CpuLoad = 0,
    [property: Id(2)] long MemoryUsedMb = 0);
