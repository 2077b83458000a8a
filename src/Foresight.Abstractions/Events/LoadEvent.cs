namespace Foresight.Abstractions.Events;

/// <summary>What happened to the load of a pool partition.</summary>
public enum LoadEventKind
{
    Arrival,
    Started,
    Completed,
    QueueDepth,
}

/// <summary>One load event. <see cref="Wait"/> is set on Started, <see cref="Duration"/> on Completed.</summary>
[GenerateSerializer, Immutable]
public sealed record LoadEvent(
    [property: Id(0)] LoadEventKind Kind,
    [property: Id(1)] string Partition,
    [property: Id(2)] string? JobId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] int QueueDepth,
    [property: Id(5)] TimeSpan? Wait = null,
    [property: Id(6)] TimeSpan? Duration = null);

/// <summary>Load events are published in batches (one stream message per flush), so per-job events cost no per-job stream call.</summary>
[GenerateSerializer, Immutable]
public sealed record LoadEventBatch(
    [property: Id(0)] string Pool,
    [property: Id(1)] IReadOnlyList<LoadEvent> Events);
