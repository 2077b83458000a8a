namespace Foresight.Scheduling.Placement;

/// <summary>
/// The first matching worker in list order. Cheapest possible choice and packs work onto the first workers,
/// which leaves the last ones idle for scale-in; the baseline other policies are measured against.
/// </summary>
public sealed class FirstFitPolicy : IPlacementPolicy
{
    public const string PolicyName = "first-fit";

    public string Name => PolicyName;

    public int Choose(JobDemand job, IReadOnlyList<WorkerView> workers)
    {
        ArgumentNullException.ThrowIfNull(workers);
        for (int i = 0; i < workers.Count; i++)
        {
            if (CapabilityMatcher.Matches(job, workers[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
