using System.Globalization;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Predictive;

/// <summary>
/// Demand in workers over the look-ahead window [now, now + boot delay + interval], from the arrival forecast and the
/// learned run time (Little's law: concurrent jobs = arrival rate × mean run time), or why there is none.
/// </summary>
/// <param name="Mean">Workers for the forecast's mean arrival rate at the window's peak.</param>
/// <param name="Upper">Workers for the upper bound of the arrival rate at the window's peak.</param>
/// <param name="Floor">Workers for the lowest lower bound of the arrival rate in the window (the scale-in floor).</param>
/// <param name="RatePerSecond">Mean arrival rate at the peak, per second.</param>
/// <param name="DurationSeconds">Learned mean run time.</param>
/// <param name="Model">Forecast model name.</param>
/// <param name="Survivors">Running jobs expected to still run at the end of the window (learned run-time distribution).</param>
/// <param name="AheadUpper">
/// Workers busy at the end of the window if arrivals run at the upper bound: survivors + upper rate × E[min(S, window)];
/// for windows much longer than the run times this tends to <paramref name="Upper"/> (rate × mean run time).
/// </param>
/// <param name="AheadMean">The same peak with arrivals at the forecast's mean rate.</param>
public readonly record struct DemandEstimate(
    double Mean, double Upper, double Floor, double RatePerSecond, double DurationSeconds, string Model, double Survivors, double AheadUpper, double AheadMean)
{
    private const int AheadSteps = 4;

    /// <summary>Estimates demand, or returns null with the reason the forecast cannot be used.</summary>
    public static DemandEstimate? From(AutoscalerObservation observation, LoadModel load, PredictiveOptions options, out string whyNot)
    {
        var forecast = observation.Forecast;
        whyNot = string.Empty;
        if (forecast is null)
        {
            whyNot = "no forecast";
            return null;
        }

        if (forecast.Arrivals.Count == 0)
        {
            whyNot = "no forecast" + (forecast.Note is null ? string.Empty : $" ({forecast.Note})");
            return null;
        }

        var now = observation.Now;
        var age = now - forecast.FittedThrough;
        if (age > options.MaxForecastAge)
        {
            whyNot = Inv($"forecast stale (fitted on history up to {age.TotalMinutes:0} min ago)");
            return null;
        }

        var durations = load.Durations;
        if (durations.Completed < options.MinCompletions || durations.MeanSeconds is not { } mean)
        {
            whyNot = Inv($"run time not learned yet ({durations.Completed} completions)");
            return null;
        }

        var end = now + options.BootDelay + options.Interval;
        if (forecast.ArrivalPeak(now, end) is not { } peak)
        {
            whyNot = "forecast does not cover the look-ahead window";
            return null;
        }

        var width = (peak.Upper - peak.Lower) * mean;
        if (width > options.MinWideWorkers && width > options.MaxRelativeWidth * Math.Max(peak.Mean * mean, 1e-9))
        {
            whyNot = Inv($"forecast too wide (interval {peak.Lower * mean:0.#}..{peak.Upper * mean:0.#} workers around {peak.Mean * mean:0.#})");
            return null;
        }

        var floor = forecast.ArrivalFloor(now, end) * mean;
        var window = (end - now).TotalSeconds;
        var taus = Enumerable.Range(1, AheadSteps).Select(k => window * k / AheadSteps).ToArray();
        var surviving = load.Survivors(observation, taus);
        var survivors = surviving[^1];
        double ahead = 0, aheadMean = 0;
        for (var k = 0; k < AheadSteps; k++)
        {
            // Busy workers τ into the window: running jobs still running, queued jobs (started now) still running,
            // and arrivals since now still running; the peak over the window is what must not be drained.
            var present = surviving[k] + (observation.QueueDepth * durations.Survival(taus[k]));
            var capped = durations.MeanCapped(taus[k]);
            ahead = Math.Max(ahead, present + (peak.Upper * capped));
            aheadMean = Math.Max(aheadMean, present + (peak.Mean * capped));
        }

        return new DemandEstimate(peak.Mean * mean, peak.Upper * mean, floor, peak.Mean, mean, forecast.Model, survivors, ahead, aheadMean);
    }

    /// <summary>
    /// Extra workers so the queued jobs start within the wait target: the queued jobs that the completions expected
    /// within the target will not absorb, each needing min(1, run time / target) of a worker.
    /// </summary>
    public static double Backlog(AutoscalerObservation observation, LoadModel load, TimeSpan waitTarget)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(load);
        var queued = observation.QueueDepth;
        if (queued <= 0)
        {
            return 0;
        }

        var target = Math.Max(1, waitTarget.TotalSeconds);
        var freed = observation.RunningJobs - load.Survivors(observation, target) + observation.Count(WorkerState.Idle);
        var mean = load.Durations.MeanSeconds ?? target;
        return Math.Max(0, queued - freed) * Math.Min(1, mean / target);
    }

    /// <summary>Text for decision reasons.</summary>
    public override string ToString() =>
        Inv($"forecast {Model}: {RatePerSecond * 60:0.#} arrivals/min × {DurationSeconds:0} s = {Mean:0.#} workers (upper {Upper:0.#}, floor {Floor:0.#}); at the window's end {Survivors:0.#} survivors + upper arrivals = {AheadUpper:0.#}");

    internal static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
