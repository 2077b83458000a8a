namespace Foresight.Scheduling.Workers;

/// <summary>What can happen to a worker; <see cref="WorkerLifecycle"/> maps (state, event) to the next state.</summary>
public enum WorkerEvent
{
    Registered,
    BecameBusy,
    BecameIdle,
    DrainRequested,
    HeartbeatMissed,
    HeartbeatRecovered,
    Deregistered,
}
