using Foresight.Autoscaling.Observations;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Forecasts;

/// <summary>
/// Mean absolute error of a forecast provider's demand (in workers) at fixed lead times: at every bucket boundary t
/// from the first forecast on, the provider's demand forecast for t + lead (arrival rate × mean run time of the jobs
/// completed before t) is compared with the true mean demand over the bucket containing t + lead (every job running
/// from its arrival, as the oracle sees it). Times where the provider has no forecast are counted, not scored.
/// </summary>
public static class ForecastAccuracy
{
    /// <summary>MAE in workers per lead time, with the number of scored and unforecast origins.</summary>
    public static IReadOnlyList<(TimeSpan Lead, double Mae, int Scored, int Missing)> Evaluate(
        IForecastProvider provider, JobTrace trace, PoolLimits pool, TimeSpan bucket, IReadOnlyList<TimeSpan> leads)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(leads);
        var truth = new PerfectForecastProvider(trace, pool, bucket);
        var sums = new double[leads.Count];
        var scored = new int[leads.Count];
        var missing = new int[leads.Count];
        if (trace.Jobs.Count == 0)
        {
            return leads.Select(l => (l, 0.0, 0, 0)).ToList();
        }

        var first = trace.Jobs[0].SubmitAt.UtcTicks;
        var origin = first - (first % bucket.Ticks);
        var last = trace.Jobs[^1].SubmitAt.UtcTicks;
        var longest = leads.Max();
        for (var t = origin + bucket.Ticks; t + longest.Ticks <= last; t += bucket.Ticks)
        {
            var now = new DateTimeOffset(t, TimeSpan.Zero);
            var forecast = provider.Forecast(now, longest + bucket);
            for (var k = 0; k < leads.Count; k++)
            {
                var at = now + leads[k];
                var start = new DateTimeOffset(at.UtcTicks - (at.UtcTicks % bucket.Ticks), TimeSpan.Zero);
                var predicted = forecast is null ? null : DemandAt(forecast, at);
                if (predicted is not { } p)
                {
                    missing[k]++;
                    continue;
                }

                sums[k] += Math.Abs(p - truth.MeanDemand(start, start + bucket));
                scored[k]++;
            }
        }

        return leads.Select((l, k) => (l, scored[k] == 0 ? double.NaN : sums[k] / scored[k], scored[k], missing[k])).ToList();
    }

    private static double? DemandAt(LoadForecast forecast, DateTimeOffset at)
    {
        double? value = null;
        foreach (var p in forecast.Points)
        {
            if (p.At <= at)
            {
                value = p.Mean;
            }
        }

        return value;
    }
}
