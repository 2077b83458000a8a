using Foresight.Scheduling;

namespace Foresight.Autoscaling.Observations;

/// <summary>Everything an autoscaler policy may look at when it decides.</summary>
/// <param name="Now">Time of the observation.</param>
/// <param name="Pool">Pool bounds and worker shape.</param>
/// <param name="Workers">Every worker of the pool that still exists, draining ones included.</param>
/// <param name="QueueDepth">Jobs waiting for a worker.</param>
/// <param name="QueuedDemand">Sum of the resource requests of the queued jobs.</param>
/// <param name="RunningJobs">Jobs running now.</param>
/// <param name="RecentArrivals">Jobs that arrived during <paramref name="RecentWindow"/> before <paramref name="Now"/>.</param>
/// <param name="RecentCompletions">Jobs that completed during <paramref name="RecentWindow"/>.</param>
/// <param name="RecentWindow">Length of the window the two counts cover (normally the time since the previous decision).</param>
/// <param name="Forecast">Load forecast, when one is available and the policy asked for it.</param>
/// <param name="CompletedDurations">
/// Run times of the jobs counted in <paramref name="RecentCompletions"/>, when the caller knows them (policies learn the
/// expected job duration from them); empty otherwise.
/// </param>
public sealed record AutoscalerObservation(
    DateTimeOffset Now,
    PoolLimits Pool,
    IReadOnlyList<WorkerObservation> Workers,
    int QueueDepth,
    Resources QueuedDemand,
    int RunningJobs,
    int RecentArrivals,
    int RecentCompletions,
    TimeSpan RecentWindow,
    LoadForecast? Forecast = null,
    IReadOnlyList<TimeSpan>? CompletedDurations = null)
{
    /// <summary>Workers in the given state.</summary>
    public int Count(WorkerState state)
    {
        var n = 0;
        foreach (var w in Workers)
        {
            if (w.State == state)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Busy workers: ready and running at least one job (draining ones excluded).</summary>
    public int BusyWorkers => Count(WorkerState.Busy);

    /// <summary>Mean utilization of the ready (idle or busy) workers, 0 when none is ready.</summary>
    public double MeanUtilization
    {
        get
        {
            double sum = 0;
            var n = 0;
            foreach (var w in Workers)
            {
                if (w.State is WorkerState.Idle or WorkerState.Busy)
                {
                    sum += w.Utilization;
                    n++;
                }
            }

            return n == 0 ? 0 : sum / n;
        }
    }

    /// <summary>Workers that count toward the pool size: everything not draining (booting, idle, busy).</summary>
    public int CurrentWorkers => Workers.Count - Count(WorkerState.Draining);
}
