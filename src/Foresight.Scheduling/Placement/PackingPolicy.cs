namespace Foresight.Scheduling.Placement;

/// <summary>
/// Tetris-style multi-resource packing (Grandl et al., SIGCOMM 2014): among the matching workers, the one whose free
/// CPU and memory best align with the job's request — the largest dot product of request and free resources, both as
/// shares of the worker's capacity — so jobs fill the dimensions a worker has left instead of stranding them; ties go
/// to list order. Jobs are ranked like sjf (Tetris combines alignment with shortest-remaining-time), with the same
/// aging and cap.
/// </summary>
public sealed class PackingPolicy(SchedulingSettings settings) : PredictionOrderedPolicy(settings)
{
    public const string PolicyName = "packing";

    // Scores closer than this are a tie.
    private const double Tolerance = 1e-12;

    public override string Name => PolicyName;

    public override int Choose(JobDemand job, IReadOnlyList<WorkerView> workers)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(workers);
        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < workers.Count; i++)
        {
            var worker = workers[i];
            if (!CapabilityMatcher.Matches(job, worker))
            {
                continue;
            }

            var score = Alignment(job.Request, worker);
            if (score > bestScore + Tolerance)
            {
                best = i;
                bestScore = score;
            }
        }

        return best;
    }

    /// <summary>(request · free) with both as shares of the worker's capacity; a dimension without capacity counts 0.</summary>
    public static double Alignment(Resources request, WorkerView worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var capacity = worker.Capacity;
        var free = worker.Free;
        var cpu = capacity.Cpu > 0 ? request.Cpu / capacity.Cpu * (free.Cpu / capacity.Cpu) : 0;
        var memory = capacity.MemoryMb > 0 ? request.MemoryMb / (double)capacity.MemoryMb * (free.MemoryMb / (double)capacity.MemoryMb) : 0;
        return cpu + memory;
    }
}
