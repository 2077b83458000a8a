using Foresight.Autoscaling.Observations;
using Foresight.Scheduling;

namespace Foresight.Autoscaling.Tests;

/// <summary>Builds observations for policy tests.</summary>
internal static class Pools
{
    public static PoolLimits Limits(int min = 1, int max = 10) => new(min, max, new Resources(4, 16384), 1);

    public static WorkerObservation Worker(int id, WorkerState state, double utilization = 0, int running = 0, int sinceSeconds = 0) =>
        new($"w{id}", state, running, utilization, DateTimeOffset.UnixEpoch.AddSeconds(sinceSeconds));

    public static AutoscalerObservation Observe(
        DateTimeOffset now,
        IReadOnlyList<WorkerObservation> workers,
        PoolLimits? limits = null,
        int queued = 0,
        int running = 0,
        int arrivals = 0,
        int completions = 0,
        LoadForecast? forecast = null) =>
        new(now, limits ?? Limits(), workers, queued, Resources.Zero, running, arrivals, completions, TimeSpan.FromSeconds(15), forecast);

    /// <summary><paramref name="count"/> ready workers sharing <paramref name="load"/> workers' worth of work evenly.</summary>
    public static List<WorkerObservation> Loaded(int count, double load)
    {
        var perWorker = Math.Min(1.0, load / count);
        return Enumerable.Range(0, count)
            .Select(i => Worker(i, perWorker > 0 ? WorkerState.Busy : WorkerState.Idle, perWorker, perWorker > 0 ? 1 : 0))
            .ToList();
    }
}
