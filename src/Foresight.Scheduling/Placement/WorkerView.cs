namespace Foresight.Scheduling.Placement;

/// <summary>
/// A scheduler's view of one worker's capacity. Mutable on purpose: the scheduler (grain or simulator)
/// updates <see cref="Allocated"/> and <see cref="RunningJobs"/> in place on every placement and completion,
/// so the hot path allocates nothing per job.
/// </summary>
public sealed class WorkerView(string workerId, IReadOnlySet<string> labels, Resources capacity)
{
    public string WorkerId { get; } = workerId;

    public IReadOnlySet<string> Labels { get; } = labels;

    public Resources Capacity { get; set; } = capacity;

    public Resources Allocated { get; set; }

    public int RunningJobs { get; set; }

    /// <summary>False while the worker is draining, unhealthy or still booting: it takes no new job.</summary>
    public bool Accepting { get; set; } = true;

    public Resources Free => Capacity - Allocated;
}
