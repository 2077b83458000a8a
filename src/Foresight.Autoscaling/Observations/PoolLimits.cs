using Foresight.Scheduling;

namespace Foresight.Autoscaling.Observations;

/// <summary>Bounds and shape of a worker pool.</summary>
/// <param name="MinWorkers">Fewest workers the pool may have (0 allows scale to zero).</param>
/// <param name="MaxWorkers">Most workers the pool may have.</param>
/// <param name="WorkerCapacity">Resources of one worker.</param>
/// <param name="JobSlotsPerWorker">Jobs one worker runs at once (1 for a typical CI runner).</param>
public sealed record PoolLimits(int MinWorkers, int MaxWorkers, Resources WorkerCapacity, int JobSlotsPerWorker = 1)
{
    /// <summary>Clamps a worker count into [<see cref="MinWorkers"/>, <see cref="MaxWorkers"/>].</summary>
    public int Clamp(int workers) => Math.Clamp(workers, MinWorkers, Math.Max(MinWorkers, MaxWorkers));

    /// <summary>Workers needed to run <paramref name="jobs"/> jobs at once, ignoring their sizes.</summary>
    public int WorkersFor(int jobs) => jobs <= 0 ? 0 : (jobs + JobSlotsPerWorker - 1) / JobSlotsPerWorker;
}
