namespace Foresight.Abstractions.Scheduling;

/// <summary>The persisted part of a SchedulerGrain: enough to rebuild its queue and capacity view after a silo failure.</summary>
[GenerateSerializer]
public sealed class SchedulerState
{
    [Id(0)] public List<QueuedJob> Queue { get; set; } = [];
    [Id(1)] public Dictionary<string, Workers.WorkerRegistration> Workers { get; set; } = [];
    [Id(2)] public List<PlacedAttempt> Placed { get; set; } = [];
    [Id(3)] public long Placements { get; set; }
}

/// <summary>An attempt the scheduler has handed to a worker and not yet seen released.</summary>
[GenerateSerializer, Immutable]
public sealed record PlacedAttempt(
    [property: Id(0)] QueuedJob Job,
    [property: Id(1)] string WorkerId,
    [property: Id(2)] DateTimeOffset PlacedAt);
