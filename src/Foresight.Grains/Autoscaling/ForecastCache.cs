using System.Collections.Concurrent;
using System.Globalization;
using Foresight.Abstractions.Autoscaling;
using Foresight.Forecasting;
using Foresight.Forecasting.Calendar;
using Foresight.Forecasting.Models;
using Polly;
using Polly.CircuitBreaker;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// The fitted arrival models of each pool in this silo, shared by its PredictionGrain activations. A fit is made for a
/// model version on the history complete so far, predicted once up to the longest horizon and kept until the next
/// bucket completes or the promoted version changes: a cached answer only slices arrays. Fits run inside a per-pool
/// circuit breaker (Polly); when there is no model, the breaker is open, the fit fails or its forecast diverges, the
/// answer is the rule-based fallback (seasonal naive on a daily season, else the documented short-history rules), and
/// says so in <see cref="ArrivalForecastView.Source"/>.
/// </summary>
public sealed class ForecastCache(AutoscalingOptions options, ForecasterCatalog catalog, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Entry> _pools = new(StringComparer.Ordinal);
    private readonly long _bucket = options.Forecast.Bucket.Ticks;

    /// <summary>
    /// The cached answer for <paramref name="version"/>, when the cache holds a fit of it on the history complete by now.
    /// <paramref name="slot"/> names a second fit of the pool kept beside the champion's (the candidate under test).
    /// </summary>
    public bool TryCached(string pool, int? version, DateTimeOffset now, TimeSpan horizon, out ArrivalForecastView view, string? slot = null)
    {
        view = null!;
        if (version is null || !_pools.TryGetValue(Key(pool, slot), out var entry) || entry.Fit is not { } fit
            || fit.Version != version || fit.Through != (now.UtcTicks / _bucket) - 1)
        {
            return false;
        }

        view = Slice(pool, fit, now, horizon);
        return true;
    }

    /// <summary>
    /// Fits (or falls back) on <paramref name="history"/> and answers; the fit is cached. <paramref name="model"/> is the
    /// version's forecaster when the catalog cannot make it by name (a version serving stored parameters).
    /// </summary>
    public ArrivalForecastView Forecast(string pool, ModelVersionView? promoted, ArrivalHistoryView history, DateTimeOffset now, TimeSpan horizon, string? slot = null, IForecaster? model = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        var through = (history.Start.UtcTicks / _bucket) + history.Counts.Length - 1;
        if (history.Counts.Length == 0)
        {
            return Missing(pool, history, "fallback: no history (nothing has arrived yet)");
        }

        if (promoted is null)
        {
            return Fallback(pool, history, through, now, horizon, "no model promoted yet");
        }

        if (history.Counts.Length < options.Forecast.MinHistoryBuckets)
        {
            return Fallback(pool, history, through, now, horizon, Inv($"history of {history.Counts.Length} buckets is shorter than the {options.Forecast.MinHistoryBuckets} needed"));
        }

        var entry = _pools.GetOrAdd(Key(pool, slot), _ => new Entry(Breaker()));
        try
        {
            var fit = entry.Breaker.Execute(() => FitModel(pool, promoted, model, history, through));
            entry.Fit = fit;
            return Slice(pool, fit, now, horizon);
        }
        catch (BrokenCircuitException)
        {
            return Fallback(pool, history, through, now, horizon, $"circuit breaker open after model v{promoted.Version} failed");
        }
        catch (DivergedException e)
        {
            return Fallback(pool, history, through, now, horizon, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fallback(pool, history, through, now, horizon, $"model v{promoted.Version} ({promoted.Forecaster}) failed: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Daily season when the history holds two days, as the simulator's provider does.</summary>
    public static IReadOnlyList<int> Seasons(TimeSpan bucket, int length)
    {
        var daily = (int)(TimeSpan.FromDays(1).Ticks / bucket.Ticks);
        return daily > 1 && length >= 2 * daily ? [daily] : [];
    }

    /// <summary>The history as a series for the forecasting library, with the pool's holiday calendar.</summary>
    public static SeriesHistory Series(ArrivalHistoryView history, IReadOnlyList<DateOnly> holidays) =>
        new(history.Counts, Seasons(history.Bucket, history.Counts.Length), history.Start, history.Bucket, holidays.Count > 0 ? holidays : null);

    private Fitted FitModel(string pool, ModelVersionView version, IForecaster? model, ArrivalHistoryView history, long through)
    {
        var fitted = (model ?? catalog.Create(version.Forecaster)).Fit(Series(Recent(history), Holidays(pool)));
        return Predict(fitted, version.Version, $"model v{version.Version} ({version.Forecaster})", history, through, check: true);
    }

    private Fitted Predict(IFittedForecaster fitted, int version, string source, ArrivalHistoryView history, long through, bool check)
    {
        var steps = (int)Math.Ceiling((options.Forecast.RefitEvery + options.Forecast.MaxHorizon).Ticks / (double)_bucket) + 2;
        var level = options.Forecast.Level;
        var result = fitted.Predict(steps, [level]);
        var interval = result.Intervals.Count > 0 ? result.Intervals[0] : new PredictionInterval(level, result.Mean, result.Mean);
        var limit = options.Forecast.DivergenceFactor * Math.Max(1, history.Counts.Max());
        if (check && (result.Mean.Length < steps || interval.Lower.Length < steps || interval.Upper.Length < steps
            || !result.Mean.Concat(interval.Lower).Concat(interval.Upper).All(v => double.IsFinite(v) && v >= -limit && v <= limit)))
        {
            throw new DivergedException($"model v{version} ({fitted.Name}) diverged (non-finite or beyond {options.Forecast.DivergenceFactor}× the largest bucket)");
        }

        return new Fitted(version, fitted.Name, source, through, level / 100, Clip(result.Mean), Clip(interval.Lower), Clip(interval.Upper));
    }

    private ArrivalForecastView Fallback(string pool, ArrivalHistoryView history, long through, DateTimeOffset now, TimeSpan horizon, string why)
    {
        try
        {
            var fitted = new HolidayAdjustedForecaster(new SeasonalNaiveForecaster()).Fit(Series(Recent(history), Holidays(pool)));
            var fit = Predict(fitted, 0, $"fallback: {why}", history, through, check: false);
            return Slice(pool, fit, now, horizon) with { ModelVersion = null };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Missing(pool, history, $"fallback: {why}; the rules failed too ({e.GetType().Name})");
        }
    }

    private IReadOnlyList<DateOnly> Holidays(string pool) => options.For(pool).Holidays;

    private ArrivalHistoryView Recent(ArrivalHistoryView history)
    {
        var max = options.Forecast.MaxHistoryBuckets;
        return history.Counts.Length <= max
            ? history
            : history with { Start = history.Start + (history.Bucket * (history.Counts.Length - max)), Counts = history.Counts[^max..] };
    }

    private ArrivalForecastView Slice(string pool, Fitted fit, DateTimeOffset now, TimeSpan horizon)
    {
        var t = now.UtcTicks;
        var first = t / _bucket;
        var last = (t + horizon.Ticks) / _bucket;
        var seconds = TimeSpan.FromTicks(_bucket).TotalSeconds;
        var points = new List<ForecastPointView>((int)(last - first + 1));
        for (var b = first; b <= last; b++)
        {
            var i = (int)Math.Clamp(b - fit.Through - 1, 0, fit.Mean.Length - 1);
            var at = new DateTimeOffset(Math.Max(t, b * _bucket), TimeSpan.Zero);
            points.Add(new ForecastPointView(at, fit.Mean[i] / seconds, fit.Lower[i] / seconds, fit.Upper[i] / seconds));
        }

        return new ArrivalForecastView(
            pool, points, fit.Level, TimeSpan.FromTicks(_bucket), new DateTimeOffset((fit.Through + 1) * _bucket, TimeSpan.Zero), fit.Model,
            fit.Version == 0 ? null : fit.Version, fit.Source);
    }

    private static string Key(string pool, string? slot) => slot is null ? pool : $"{pool}\n{slot}";

    private static ArrivalForecastView Missing(string pool, ArrivalHistoryView history, string why) =>
        new(pool, [], 0, history.Bucket, history.Start + (history.Bucket * history.Counts.Length), "none", null, why);

    private ResiliencePipeline Breaker() =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = 1.0,
                MinimumThroughput = options.BreakerFailures,
                SamplingDuration = TimeSpan.FromHours(1),
                BreakDuration = TimeSpan.FromSeconds(options.BreakerSeconds),
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OutOfMemoryException),
            })
            .Build();

    private static double[] Clip(double[] values) => values.Select(v => Math.Max(0, v)).ToArray();

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class Entry(ResiliencePipeline breaker)
    {
        public ResiliencePipeline Breaker { get; } = breaker;

        public volatile Fitted? Fit;
    }

    private sealed record Fitted(int Version, string Model, string Source, long Through, double Level, double[] Mean, double[] Lower, double[] Upper);

    private sealed class DivergedException(string message) : Exception(message);
}
