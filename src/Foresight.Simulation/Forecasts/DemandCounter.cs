using Foresight.Autoscaling.Observations;

namespace Foresight.Simulation.Forecasts;

/// <summary>
/// Demand of a set of jobs in workers: <c>min(max, ceil(max(jobs / slots, cpu / worker cpu, memory / worker memory)))</c>.
/// Integer sums (milli-cores, MiB) so adding and removing jobs never drifts.
/// </summary>
public sealed class DemandCounter(PoolLimits pool)
{
    /// <summary>Jobs counted.</summary>
    public int Jobs { get; private set; }

    /// <summary>Their CPU in milli-cores.</summary>
    public long CpuMilli { get; private set; }

    /// <summary>Their memory in MiB.</summary>
    public long MemoryMb { get; private set; }

    /// <summary>Adds (or, with negative values, removes) jobs.</summary>
    public void Add(int jobs, long cpuMilli, long memoryMb)
    {
        Jobs += jobs;
        CpuMilli += cpuMilli;
        MemoryMb += memoryMb;
    }

    /// <summary>Workers needed now, capped at the pool maximum.</summary>
    public int Workers
    {
        get
        {
            if (Jobs <= 0)
            {
                return 0;
            }

            var bySlots = pool.WorkersFor(Jobs);
            var capacityCpuMilli = pool.WorkerCapacity.Cpu * 1000;
            var byCpu = capacityCpuMilli > 0 ? (int)Math.Ceiling((CpuMilli / capacityCpuMilli) - 1e-9) : 0;
            var byMemory = pool.WorkerCapacity.MemoryMb > 0
                ? (int)((MemoryMb + pool.WorkerCapacity.MemoryMb - 1) / pool.WorkerCapacity.MemoryMb)
                : 0;
            return Math.Min(pool.MaxWorkers, Math.Max(bySlots, Math.Max(byCpu, byMemory)));
        }
    }
}
