namespace Foresight.Abstractions.Workers;

/// <summary>A periodic sign of life, with what the agent is running right now.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerHeartbeat(
    [property: Id(0)] IReadOnlyList<string> RunningJobIds,
    [property: Id(1)] double CpuLoad = 0,
    [property: Id(2)] long MemoryUsedMb = 0);
