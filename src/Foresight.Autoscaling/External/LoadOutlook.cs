using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.External;

/// <summary>A pool's predicted load over a horizon, as the forecast service answers it.</summary>
/// <param name="Jobs">Jobs expected to arrive over the horizon (forecast mean).</param>
/// <param name="JobsLower">The same at the forecast's lower bound.</param>
/// <param name="JobsUpper">The same at the forecast's upper bound.</param>
/// <param name="Confidence">0..1: the interval's level, scaled down as the interval widens relative to the mean; 0 without a forecast.</param>
/// <param name="PeakConcurrent">Concurrent jobs at the peak bucket (mean rate × mean run time); 0 when the run time is not learned.</param>
/// <param name="CpuCores">Cores for <paramref name="PeakConcurrent"/> jobs of one slot each.</param>
/// <param name="MemoryMib">Memory for them.</param>
/// <param name="ResourcesKnown">False when the run time is not learned: the demand figures are then 0.</param>
/// <param name="BottleneckProbability">P(concurrent jobs at the peak &gt; the pool's slots), normal approximation of the interval.</param>
/// <param name="Buckets">Expected arrivals per bucket overlapping the horizon (mean, lower, upper), with the bucket's start.</param>
public sealed record LoadOutlook(
    double Jobs, double JobsLower, double JobsUpper, double Confidence, double PeakConcurrent, double CpuCores, double MemoryMib,
    bool ResourcesKnown, double BottleneckProbability, IReadOnlyList<ForecastPoint> Buckets)
{
    /// <summary>
    /// The outlook of <paramref name="forecast"/> (arrival rates per second) over [<paramref name="now"/>,
    /// <paramref name="now"/> + <paramref name="horizon"/>], with the learned mean run time and the pool's slots and slot size.
    /// </summary>
    public static LoadOutlook From(
        LoadForecast forecast, DateTimeOffset now, TimeSpan horizon, double meanRunSeconds, int maxSlots, double slotCpu, double slotMemoryMib)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        var end = now + horizon;
        var mean = ScalerQuery.Arrivals(forecast, now, end, p => p.Mean);
        var lower = ScalerQuery.Arrivals(forecast, now, end, p => p.Lower);
        var upper = ScalerQuery.Arrivals(forecast, now, end, p => p.Upper);
        var buckets = new List<ForecastPoint>();
        foreach (var p in forecast.Arrivals)
        {
            var one = new LoadForecast([], forecast.Level) { Arrivals = [p], Bucket = forecast.Bucket };
            var m = ScalerQuery.Arrivals(one, now, end, x => x.Mean);
            if (m > 0 || ScalerQuery.Arrivals(one, now, end, x => x.Upper) > 0)
            {
                buckets.Add(new ForecastPoint(p.At, m, ScalerQuery.Arrivals(one, now, end, x => x.Lower), ScalerQuery.Arrivals(one, now, end, x => x.Upper)));
            }
        }

        var confidence = forecast.Arrivals.Count == 0 || forecast.Note is not null
            ? 0
            : forecast.Level / (1 + ((upper - lower) / Math.Max(mean, 1)));
        var peak = forecast.ArrivalPeak(now, end);
        var known = meanRunSeconds > 0 && peak is not null;
        var concurrent = known ? peak!.Value.Mean * meanRunSeconds : 0;
        var bottleneck = known
            ? ForecastQuantile.Exceedance(concurrent, peak!.Value.Upper * meanRunSeconds, forecast.Level, maxSlots)
            : 0;
        return new LoadOutlook(
            mean, lower, upper, Math.Clamp(confidence, 0, 1), concurrent, concurrent * slotCpu, concurrent * slotMemoryMib, known, bottleneck, buckets);
    }
}
