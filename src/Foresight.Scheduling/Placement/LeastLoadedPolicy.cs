namespace Foresight.Scheduling.Placement;

/// <summary>
/// The matching worker with the lowest share of its CPU allocated; ties go to fewer running jobs, then to list
/// order. Spreads load so jobs contend less for a machine's cores and disks, at the cost of keeping more
/// workers partly busy.
/// </summary>
public sealed class LeastLoadedPolicy : IPlacementPolicy
{
    public const string PolicyName = "least-loaded";

    // Allocations are sums of fractional cores; loads closer than this are a tie.
    private const double LoadTolerance = 1e-9;

    public string Name => PolicyName;

    public int Choose(JobDemand job, IReadOnlyList<WorkerView> workers)
    {
        ArgumentNullException.ThrowIfNull(workers);
        int best = -1;
        double bestLoad = double.MaxValue;
        int bestRunning = int.MaxValue;
        for (int i = 0; i < workers.Count; i++)
        {
            var worker = workers[i];
            if (!CapabilityMatcher.Matches(job, worker))
            {
                continue;
            }

            double load = CpuLoad(worker);
            bool better = best < 0
                || load < bestLoad - LoadTolerance
                || (load <= bestLoad + LoadTolerance && worker.RunningJobs < bestRunning);
            if (better)
            {
                best = i;
                bestLoad = load;
                bestRunning = worker.RunningJobs;
            }
        }

        return best;
    }

    /// <summary>Allocated CPU as a fraction of capacity; a worker without CPU capacity counts as full.</summary>
    public static double CpuLoad(WorkerView worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return worker.Capacity.Cpu > 0 ? worker.Allocated.Cpu / worker.Capacity.Cpu : 1.0;
    }
}
