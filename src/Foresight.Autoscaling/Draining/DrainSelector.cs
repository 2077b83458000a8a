using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Draining;

/// <summary>
/// Chooses which workers leave on a scale-in. Idle workers go first (longest idle first), then booting ones (newest
/// first, they have cost least), then busy ones: the least predicted remaining work first when a prediction is given,
/// else the fewest running jobs. Busy workers are only drained: they finish their jobs before they leave, so no
/// running job is ever killed.
/// </summary>
public static class DrainSelector
{
    /// <summary>Ids of up to <paramref name="count"/> non-draining workers to drain.</summary>
    /// <param name="workers">Current workers.</param>
    /// <param name="count">How many to remove.</param>
    /// <param name="includeBusy">False to never pick a busy worker (the result may then be shorter).</param>
    /// <param name="remainingWork">Predicted remaining work of a busy worker (e.g. seconds); busy workers with less go first.</param>
    public static IReadOnlyList<string> Select(
        IReadOnlyList<WorkerObservation> workers, int count, bool includeBusy = true, Func<WorkerObservation, double>? remainingWork = null)
    {
        if (count <= 0)
        {
            return [];
        }

        var candidates = new List<WorkerObservation>(workers.Count);
        foreach (var w in workers)
        {
            if (w.State == WorkerState.Idle || w.State == WorkerState.Booting || (includeBusy && w.State == WorkerState.Busy))
            {
                candidates.Add(w);
            }
        }

        if (remainingWork is null)
        {
            candidates.Sort(Compare);
        }
        else
        {
            candidates.Sort((a, b) =>
            {
                if (a.State == WorkerState.Busy && b.State == WorkerState.Busy)
                {
                    var byWork = remainingWork(a).CompareTo(remainingWork(b));
                    if (byWork != 0)
                    {
                        return byWork;
                    }
                }

                return Compare(a, b);
            });
        }

        var result = new List<string>(Math.Min(count, candidates.Count));
        for (var i = 0; i < candidates.Count && result.Count < count; i++)
        {
            result.Add(candidates[i].WorkerId);
        }

        return result;
    }

    private static int Compare(WorkerObservation a, WorkerObservation b)
    {
        var rank = Rank(a.State).CompareTo(Rank(b.State));
        if (rank != 0)
        {
            return rank;
        }

        var byState = a.State switch
        {
            WorkerState.Idle => a.Since.CompareTo(b.Since),
            WorkerState.Booting => b.Since.CompareTo(a.Since),
            _ => a.RunningJobs != b.RunningJobs ? a.RunningJobs.CompareTo(b.RunningJobs) : b.Since.CompareTo(a.Since),
        };
        return byState != 0 ? byState : string.CompareOrdinal(a.WorkerId, b.WorkerId);
    }

    private static int Rank(WorkerState state) => state switch
    {
        WorkerState.Idle => 0,
        WorkerState.Booting => 1,
        _ => 2,
    };
}
