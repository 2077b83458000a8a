namespace Foresight.Scheduling.Jobs;

/// <summary>
/// Where one job is in its life. A retry is a new attempt of the same job, so a job can go back to
/// <see cref="Queued"/>; the four terminal states are final.
/// </summary>
public enum JobState
{
    Pending,
    Queued,
    Assigned,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
}
