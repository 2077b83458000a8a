using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Tests;

/// <summary>Arrival forecasts and observations with learned run times for the forecast-driven policies.</summary>
internal static class Forecasts
{
    public static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch.AddHours(10);

    /// <summary>A flat arrival forecast (per second) for the next hour, fitted on history up to <paramref name="fittedAgo"/> before <see cref="T0"/>.</summary>
    public static LoadForecast Flat(double mean, double lower, double upper, TimeSpan? fittedAgo = null) =>
        new([], 0.6)
        {
            Arrivals = Enumerable.Range(0, 12).Select(i => new ForecastPoint(T0.AddMinutes(5 * i), mean, lower, upper)).ToList(),
            Bucket = TimeSpan.FromMinutes(5),
            FittedThrough = T0 - (fittedAgo ?? TimeSpan.Zero),
            Model = "test",
        };

    /// <summary>An observation at <see cref="T0"/> + <paramref name="seconds"/> telling the policy that 30 jobs of <paramref name="runSeconds"/> completed.</summary>
    public static AutoscalerObservation Observe(
        IReadOnlyList<WorkerObservation> workers, LoadForecast? forecast, double runSeconds = 60, int queued = 0, int max = 1000, double seconds = 0)
    {
        var running = workers.Sum(w => w.RunningJobs);
        return new AutoscalerObservation(
            T0.AddSeconds(seconds),
            Pools.Limits(0, max),
            workers,
            queued,
            Scheduling.Resources.Zero,
            running,
            0,
            30,
            TimeSpan.FromSeconds(10),
            forecast,
            Enumerable.Repeat(TimeSpan.FromSeconds(runSeconds), 30).ToList());
    }

    public static List<WorkerObservation> Workers(int busy, int idle, double busySinceSeconds = -5) =>
    [
        .. Enumerable.Range(0, busy).Select(i => new WorkerObservation($"b{i}", WorkerState.Busy, 1, 1, T0.AddSeconds(busySinceSeconds))),
        .. Enumerable.Range(0, idle).Select(i => new WorkerObservation($"i{i}", WorkerState.Idle, 0, 0, T0.AddSeconds(-30))),
    ];
}
