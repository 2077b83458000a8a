namespace Foresight.Abstractions.Scheduling;

/// <summary>
/// The persisted part of a SchedulerGrain: enough to rebuild its queue and capacity view after a silo failure. The
/// queued and held attempts, and the placed ones, are stored in segments of their own (<see cref="SchedulerQueueSegment"/>,
/// <see cref="SchedulerPlacedSegment"/>); this state names the segments that hold any (<see cref="QueueSegments"/>,
/// <see cref="PlacedSegments"/>).
/// </summary>
[GenerateSerializer]
public sealed class SchedulerState
{
    /// <summary>Only in snapshots written before the queue was stored in segments; empty in newer ones.</summary>
    [Id(0)] public List<QueuedJob> Queue { get; set; } = [];
    /// <summary>Only in snapshots written before <see cref="SchedulerWorkers"/>; empty in newer ones.</summary>
    [Id(1)] public Dictionary<string, Workers.WorkerRegistration> Workers { get; set; } = [];
    /// <summary>Only in snapshots written before the placed attempts were stored in segments; empty in newer ones.</summary>
    [Id(2)] public List<PlacedAttempt> Placed { get; set; } = [];
    [Id(3)] public long Placements { get; set; }

    /// <summary>The numbers of the queue segments that hold attempts, oldest first.</summary>
    [Id(4)] public List<long> QueueSegments { get; set; } = [];

    /// <summary>The arrival number the next queued attempt gets (its segment is that number ÷ the segment size).</summary>
    [Id(5)] public long NextQueueSequence { get; set; }

    /// <summary>The numbers of the placed-attempt segments that hold attempts, oldest first.</summary>
    [Id(6)] public List<long> PlacedSegments { get; set; } = [];

    /// <summary>The placement number the next placed attempt gets.</summary>
    [Id(7)] public long NextPlacedSequence { get; set; }
}

/// <summary>
/// One segment of a scheduler partition's queue: the queued and held attempts that arrived within one run of
/// arrival numbers and have not left the queue yet (state <c>scheduler-queue-&lt;n&gt;</c>).
/// </summary>
[GenerateSerializer]
public sealed class SchedulerQueueSegment
{
    [Id(0)] public List<QueuedJob> Jobs { get; set; } = [];
}

/// <summary>
/// One segment of a scheduler partition's placed attempts: those placed within one run of placement numbers and not
/// released yet (state <c>scheduler-placed-&lt;n&gt;</c>).
/// </summary>
[GenerateSerializer]
public sealed class SchedulerPlacedSegment
{
    [Id(0)] public List<PlacedAttempt> Placed { get; set; } = [];
}

/// <summary>An attempt the scheduler has handed to a worker and not yet seen released.</summary>
[GenerateSerializer, Immutable]
public sealed record PlacedAttempt(
    [property: Id(0)] QueuedJob Job,
    [property: Id(1)] string WorkerId,
    [property: Id(2)] DateTimeOffset PlacedAt);

/// <summary>
/// Workers a scheduler partition knows, stored apart from <see cref="SchedulerState"/>: they change when a worker
/// registers or leaves, not with every job, so a queue write does not carry them. The grain stores them in parts of
/// this type (<c>scheduler-workers-0</c> … <c>-31</c>, by a hash of the worker id). Older partitions hold them in one
/// state of this type (<c>scheduler-workers</c>) or, older still, in <see cref="SchedulerState.Workers"/>; the grain
/// moves them into parts once.
/// </summary>
[GenerateSerializer]
public sealed class SchedulerWorkers
{
    [Id(0)] public Dictionary<string, Workers.WorkerRegistration> Registrations { get; set; } = [];
}

/// <summary>
/// The newest runs a scheduler partition learned durations from, stored apart from <see cref="SchedulerState"/> (written
/// on the reconcile timer and at deactivation, not with every queue write), so its estimator is rebuilt by replaying
/// them when the partition activates again.
/// </summary>
[GenerateSerializer]
public sealed class SchedulerDurations
{
    [Id(0)] public List<LearnedDuration> Runs { get; set; } = [];
}

/// <summary>One run an estimator learned from: what the job's estimate was made of, and how long it ran.</summary>
[GenerateSerializer, Immutable]
public sealed record LearnedDuration(
    [property: Id(0)] string Key,
    [property: Id(1)] string Family,
    [property: Id(2)] DateTimeOffset SubmitAt,
    [property: Id(3)] double Cpu,
    [property: Id(4)] double MemoryMb,
    [property: Id(5)] double Instances,
    [property: Id(6)] int QueueDepth,
    [property: Id(7)] double Seconds);
