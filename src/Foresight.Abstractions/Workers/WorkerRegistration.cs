namespace Foresight.Abstractions.Workers;

/// <summary>What a worker offers: its pool, labels and capacity.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerRegistration(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] string Pool,
    [property: Id(2)] IReadOnlyList<string> Labels,
    [property: Id(3)] double Cpu,
    [property: Id(4)] long MemoryMb,
    [property: Id(5)] string? HostName = null);
