namespace Foresight.Abstractions.Scheduling;

/// <summary>A scheduler's live view, for the dashboard and operators.</summary>
[GenerateSerializer, Immutable]
public sealed record SchedulerSnapshot(
    [property: Id(0)] string Partition,
    [property: Id(1)] int QueueDepth,
    [property: Id(2)] int Assigned,
    [property: Id(3)] IReadOnlyList<WorkerCapacity> Workers,
    [property: Id(4)] IReadOnlyList<QueuedJob> Head,
    [property: Id(5)] long Placements);

/// <summary>One worker as the scheduler sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkerCapacity(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] double FreeCpu,
    [property: Id(2)] long FreeMemoryMb,
    [property: Id(3)] int RunningJobs,
    [property: Id(4)] bool Accepting);
