namespace Foresight.Scheduling.Workers;

/// <summary>Lifecycle of a build machine as the cluster sees it; only Available and Busy workers get new jobs.</summary>
public enum WorkerState
{
    Registering,
    Available,
    Busy,
    Draining,
    Offline,
    Unhealthy,
}
