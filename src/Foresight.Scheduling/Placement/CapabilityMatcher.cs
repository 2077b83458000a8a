namespace Foresight.Scheduling.Placement;

/// <summary>
/// Whether a worker can take a job right now: it accepts work, has every label the job asks for, and has the
/// requested resources free. Every placement policy starts from this rule, so none can over-commit a worker.
/// </summary>
public static class CapabilityMatcher
{
    public static bool Matches(JobDemand job, WorkerView worker)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(worker);
        return worker.Accepting && worker.Free.Fits(job.Request) && HasAllLabels(worker.Labels, job.Labels);
    }

    /// <summary>True when every label in <paramref name="required"/> is in <paramref name="offered"/>.</summary>
    public static bool HasAllLabels(IReadOnlySet<string> offered, IReadOnlyCollection<string> required)
    {
        ArgumentNullException.ThrowIfNull(offered);
        ArgumentNullException.ThrowIfNull(required);

        // This runs for every (job, worker) pair on the dispatch hot path: index lists directly and enumerate
        // concrete sets, because a foreach over the interface would box an enumerator on every call.
        switch (required)
        {
            case string[] array:
                foreach (var label in array)
                {
                    if (!offered.Contains(label))
                    {
                        return false;
                    }
                }

                return true;
            case { Count: 0 }:
                return true;
            case IReadOnlyList<string> list:
                for (int i = 0; i < list.Count; i++)
                {
                    if (!offered.Contains(list[i]))
                    {
                        return false;
                    }
                }

                return true;
            case HashSet<string> set:
                foreach (var label in set)
                {
                    if (!offered.Contains(label))
                    {
                        return false;
                    }
                }

                return true;
            default:
                foreach (var label in required)
                {
                    if (!offered.Contains(label))
                    {
                        return false;
                    }
                }

                return true;
        }
    }
}
