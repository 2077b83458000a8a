using Foresight.Scheduling.Placement;

namespace Foresight.Scheduling.Tests.Pool;

/// <summary>Wraps a policy and counts how often the scheduler asks it, to observe the dispatch loop's shortcuts.</summary>
internal sealed class CountingPolicy(IPlacementPolicy inner) : IPlacementPolicy
{
    public int Calls { get; private set; }

    public string Name => inner.Name;

    public int Choose(JobDemand job, IReadOnlyList<WorkerView> workers)
    {
        Calls++;
        return inner.Choose(job, workers);
    }
}
