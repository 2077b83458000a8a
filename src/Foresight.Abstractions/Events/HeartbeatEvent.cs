using Foresight.Scheduling.Workers;

namespace Foresight.Abstractions.Events;

/// <summary>Published by a WorkerGrain on each heartbeat and state change.</summary>
[GenerateSerializer, Immutable]
public sealed record HeartbeatEvent(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] string Pool,
    [property: Id(2)] WorkerState State,
    [property: Id(3)] int RunningJobs,
    [property: Id(4)] DateTimeOffset At);
