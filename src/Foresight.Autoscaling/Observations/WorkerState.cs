namespace Foresight.Autoscaling.Observations;

/// <summary>Lifecycle state of one worker as an autoscaler sees it.</summary>
public enum WorkerState
{
    /// <summary>Provisioned and paid for, not yet able to take jobs.</summary>
    Booting,

    /// <summary>Ready and running no job.</summary>
    Idle,

    /// <summary>Ready and running at least one job.</summary>
    Busy,

    /// <summary>Takes no new job; leaves the pool when its running jobs finish.</summary>
    Draining,
}
