namespace Foresight.Scheduling.Jobs;

/// <summary>How one attempt of a job ended; the input to <see cref="RetryPolicy.Decide"/>.</summary>
public enum AttemptEnd
{
    Succeeded,
    Failed,
    WorkerLost,
    TimedOut,
    Cancelled,
}
