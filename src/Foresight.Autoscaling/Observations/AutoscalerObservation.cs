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
    LoadForecast? Forecast = null)
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

    /// <summary>Workers that count toward the pool size: everything not draining (booting, idle, busy).</summary>
    public int CurrentWorkers => Workers.Count - Count(WorkerState.Draining);
}
