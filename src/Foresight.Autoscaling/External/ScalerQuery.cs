using Foresight.Autoscaling.Keda;
using Foresight.Autoscaling.Observations;
using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling.External;

/// <summary>What a pool's policy wants now for an external autoscaler (KEDA's external scaler, the forecast service).</summary>
/// <param name="Policy">The policy that answered.</param>
/// <param name="Desired">Workers it wants now (within the pool's bounds).</param>
/// <param name="Reason">Its reason.</param>
/// <param name="Fallback">True when it decided without a usable forecast (the rules: queued + running jobs).</param>
/// <param name="PredictedQueue">
/// Jobs expected to wait at the horizon: queued + running + arrivals at the quantile over the horizon − the current
/// workers' slots (never below 0).
/// </param>
public sealed record ScalerAnswer(string Policy, int Desired, string Reason, bool Fallback, double PredictedQueue);

/// <summary>
/// The pure part of the external scaler: the registry's policy, with its look-ahead set to the caller's horizon and the
/// forecast read at the caller's quantile, decides on the observation the AutoscalerGrain builds.
/// </summary>
public static class ScalerQuery
{
    /// <summary>The policy the external scaler asks when the caller names none.</summary>
    public const string DefaultPolicy = "predictive";

    /// <summary>
    /// <paramref name="settings"/> whose look-ahead (boot delay + interval) is <paramref name="horizon"/>: the boot delay
    /// becomes horizon − interval (0 when the horizon is shorter than one interval).
    /// </summary>
    public static AutoscalerSettings ForHorizon(AutoscalerSettings settings, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var interval = settings.Predictive.Interval;
        return settings with { BootDelay = horizon > interval ? horizon - interval : TimeSpan.Zero };
    }

    /// <summary>The default horizon: boot delay + the policy's interval.</summary>
    public static TimeSpan DefaultHorizon(AutoscalerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.BootDelay + settings.Predictive.Interval;
    }

    /// <summary>
    /// Asks a fresh <paramref name="policy"/> (registry name) with <paramref name="settings"/> to decide on
    /// <paramref name="observation"/>, its forecast read at <paramref name="quantile"/>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown policy name or a bad setting.</exception>
    public static ScalerAnswer Evaluate(string policy, AutoscalerSettings settings, AutoscalerObservation observation, double quantile)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var decider = AutoscalerPolicies.Create(policy, settings);
        var forecast = observation.Forecast is { } f ? ForecastQuantile.At(f, quantile) : null;
        var seen = observation with { Forecast = forecast };
        var decision = decider.Decide(seen);
        var desired = observation.Pool.Clamp(decision.DesiredWorkers);
        var fallback = IsFallback(forecast, decision.Reason);
        var horizon = decider.ForecastHorizon > TimeSpan.Zero ? decider.ForecastHorizon : DefaultHorizon(settings);
        var arriving = forecast is null ? 0 : Arrivals(forecast, observation.Now, observation.Now + horizon, p => p.Upper);
        var slots = observation.CurrentWorkers * observation.Pool.JobSlotsPerWorker;
        var queue = Math.Max(0, observation.QueueDepth + observation.RunningJobs + arriving - slots);
        return new ScalerAnswer(decider.Name, desired, decision.Reason, fallback, queue);
    }

    /// <summary>Whether a policy decided without a usable forecast: none, an empty or annotated one, or a reason saying it fell back.</summary>
    public static bool IsFallback(LoadForecast? forecast, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var usable = forecast is { Arrivals.Count: > 0 } && forecast.Note is null;
        return !usable || reason.Contains("fallback", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Jobs expected to arrive during [<paramref name="from"/>, <paramref name="to"/>]: each bucket's rate (per second) × its overlap.</summary>
    public static double Arrivals(LoadForecast forecast, DateTimeOffset from, DateTimeOffset to, Func<ForecastPoint, double> rate)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(rate);
        var points = forecast.Arrivals;
        double total = 0;
        for (var i = 0; i < points.Count; i++)
        {
            var start = points[i].At;
            var end = i + 1 < points.Count ? points[i + 1].At : start + (forecast.Bucket > TimeSpan.Zero ? forecast.Bucket : TimeSpan.FromMinutes(5));
            var overlap = (Min(end, to) - Max(start, from)).TotalSeconds;
            if (overlap > 0)
            {
                total += rate(points[i]) * overlap;
            }
        }

        return total;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>
/// The metric Foresight's external scaler serves as <c>desiredWorkers</c>: the workers <c>predictive</c> wants now,
/// its forecast read at a quantile, held by a <see cref="FallbackHold"/> while there is no usable forecast (as the
/// AutoscalerGrain answers). One <see cref="PredictivePolicy"/> is kept so it learns run times from every observation,
/// as the AutoscalerGrain's policy does.
/// </summary>
public sealed class PredictiveMetricSource(string name, PredictiveOptions options, double quantile = ForecastQuantile.Default) : IKedaMetricSource
{
    private readonly PredictivePolicy _predictive = new(options);
    private readonly FallbackHold _hold = new();

    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => _predictive.ForecastHorizon;

    /// <inheritdoc />
    public (double Value, string Source) Metric(AutoscalerObservation observation)
    {
        ArgumentNullException.ThrowIfNull(observation);
        var seen = observation.Forecast is { } f ? observation with { Forecast = ForecastQuantile.At(f, quantile) } : observation;
        var decision = _predictive.Decide(seen);
        return (_hold.Apply(observation.Now, decision.DesiredWorkers, ScalerQuery.IsFallback(seen.Forecast, decision.Reason)), "foresight desiredWorkers");
    }
}
