using System.Globalization;
using Foresight.Autoscaling.Observations;
using Foresight.Forecasting;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Forecasts;

/// <summary>
/// Forecasts job arrivals with a <see cref="IForecaster"/> from <c>Foresight.Forecasting</c>. Arrivals are counted per
/// bucket; at each refit time (a multiple of the refit period after the first bucket) the model is fitted on the
/// buckets complete by then, and only on those: a forecast at time t never reads an arrival at or after the refit time
/// it uses, which is ≤ t. Fits are cached by refit time, so every policy and the accuracy report see the same
/// forecasts. A forecaster that throws, or whose forecast is non-finite or diverges, gives no forecast for that refit
/// period (with a note saying why), and the policies fall back to their rules.
/// </summary>
public sealed class ArrivalForecastProvider : IForecastProvider
{
    private readonly long[] _submits;
    private readonly long[] _ends;
    private readonly double[] _endedSeconds;
    private readonly IForecaster _forecaster;
    private readonly Func<int, IReadOnlyList<int>> _seasons;
    private readonly Dictionary<long, Fit> _fits = [];
    private readonly long _origin;
    private readonly long _bucket;

    /// <summary>Forecasts arrivals of <paramref name="trace"/> with <paramref name="forecaster"/>.</summary>
    public ArrivalForecastProvider(JobTrace trace, IForecaster forecaster, ArrivalForecastOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        _forecaster = forecaster ?? throw new ArgumentNullException(nameof(forecaster));
        Options = options ?? new ArrivalForecastOptions();
        Options.Validate();
        _bucket = Options.Bucket.Ticks;
        _submits = trace.Jobs.Select(j => j.SubmitAt.UtcTicks).ToArray();
        Array.Sort(_submits);
        var ended = trace.Jobs.Select(j => ((j.SubmitAt + j.Duration).UtcTicks, j.Duration.TotalSeconds)).OrderBy(e => e.Item1).ToArray();
        _ends = ended.Select(e => e.Item1).ToArray();
        _endedSeconds = new double[ended.Length + 1];
        for (var i = 0; i < ended.Length; i++)
        {
            _endedSeconds[i + 1] = _endedSeconds[i] + ended[i].Item2;
        }

        _origin = _submits.Length == 0 ? 0 : _submits[0] - (_submits[0] % _bucket);
        var daily = (int)(TimeSpan.FromDays(1).Ticks / _bucket);
        _seasons = n => daily > 1 && n >= 2 * daily ? [daily] : [];
    }

    /// <summary>The settings.</summary>
    public ArrivalForecastOptions Options { get; }

    /// <summary>Name of the forecaster.</summary>
    public string Forecaster => _forecaster.Name;

    /// <summary>Fits made so far, and how many of them failed (threw or diverged).</summary>
    public (int Fits, int Failed) FitCounts => (_fits.Count, _fits.Values.Count(f => f.Means is null));

    /// <inheritdoc />
    public LoadForecast? Forecast(DateTimeOffset now, TimeSpan horizon)
    {
        var t = now.UtcTicks;
        if (_submits.Length == 0 || t <= _origin)
        {
            return LoadForecast.Missing("no history: nothing has arrived yet");
        }

        var refit = Options.RefitEvery.Ticks;
        var fitAt = _origin + ((t - _origin) / refit * refit);
        var complete = (int)((fitAt - _origin) / _bucket);
        if (complete < Options.MinHistoryBuckets)
        {
            return LoadForecast.Missing(string.Create(CultureInfo.InvariantCulture, $"history of {complete} buckets is shorter than the {Options.MinHistoryBuckets} needed"));
        }

        if (!_fits.TryGetValue(fitAt, out var fit))
        {
            fit = FitAt(complete);
            _fits[fitAt] = fit;
        }

        if (fit.Means is null)
        {
            return LoadForecast.Missing(fit.Note ?? "no forecast");
        }

        var duration = MeanDurationSeconds(t);
        var seconds = Options.Bucket.TotalSeconds;
        var arrivals = new List<ForecastPoint>();
        var points = new List<ForecastPoint>();
        var first = (int)((t - _origin) / _bucket);
        var last = (int)((t + horizon.Ticks - _origin) / _bucket);
        for (var b = first; b <= last; b++)
        {
            var step = b - complete;
            var i = Math.Min(step, fit.Means.Length - 1);
            var at = new DateTimeOffset(Math.Max(t, _origin + (b * _bucket)), TimeSpan.Zero);
            var rate = new ForecastPoint(at, fit.Means[i] / seconds, fit.Lower![i] / seconds, fit.Upper![i] / seconds);
            arrivals.Add(rate);
            if (duration is { } d)
            {
                points.Add(new ForecastPoint(at, rate.Mean * d, rate.Lower * d, rate.Upper * d));
            }
        }

        return new LoadForecast(points, Options.Level / 100)
        {
            Arrivals = arrivals,
            Bucket = Options.Bucket,
            FittedThrough = new DateTimeOffset(_origin + (complete * _bucket), TimeSpan.Zero),
            Model = fit.Model,
            Note = fit.Note,
        };
    }

    /// <summary>Arrivals counted in each complete bucket before <paramref name="buckets"/> (what a fit at that point sees).</summary>
    public double[] History(int buckets)
    {
        var from = Math.Max(0, buckets - Options.MaxHistoryBuckets);
        var values = new double[buckets - from];
        for (var b = from; b < buckets; b++)
        {
            values[b - from] = CountBefore(_origin + ((b + 1) * _bucket)) - CountBefore(_origin + (b * _bucket));
        }

        return values;
    }

    /// <summary>Mean run time of the jobs that completed before <paramref name="ticks"/>, or null when none has.</summary>
    public double? MeanDurationSeconds(long ticks)
    {
        var n = SortedTicks.CountBelow(_ends, ticks);
        return n == 0 ? null : _endedSeconds[n] / n;
    }

    private Fit FitAt(int complete)
    {
        var values = History(complete);
        var steps = (int)Math.Ceiling((Options.RefitEvery + Options.MaxHorizon).Ticks / (double)_bucket) + 2;
        var from = complete - values.Length;
        var history = new SeriesHistory(values, _seasons(values.Length), new DateTimeOffset(_origin + (from * _bucket), TimeSpan.Zero), Options.Bucket);
        ForecastResult result;
        string model;
        try
        {
            var fitted = _forecaster.Fit(history);
            model = fitted.Name;
            result = fitted.Predict(steps, [Options.Level]);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Fit(null, null, null, _forecaster.Name, $"forecaster {_forecaster.Name} failed ({e.GetType().Name}: {e.Message})");
        }

        var limit = Options.DivergenceFactor * Math.Max(1, values.Max());
        var interval = result.Intervals.Count > 0 ? result.Intervals[0] : new PredictionInterval(Options.Level, result.Mean, result.Mean);
        if (result.Mean.Length < steps || interval.Lower.Length < steps || interval.Upper.Length < steps
            || !result.Mean.Concat(interval.Lower).Concat(interval.Upper).All(v => double.IsFinite(v) && v >= -limit && v <= limit))
        {
            return new Fit(null, null, null, _forecaster.Name, $"forecaster {_forecaster.Name} diverged (non-finite or beyond {Options.DivergenceFactor}× the largest bucket)");
        }

        return new Fit(
            result.Mean.Select(v => Math.Max(0, v)).ToArray(),
            interval.Lower.Select(v => Math.Max(0, v)).ToArray(),
            interval.Upper.Select(v => Math.Max(0, v)).ToArray(),
            model,
            result.FellBack ? result.Note : null);
    }

    private long CountBefore(long ticks) => SortedTicks.CountBelow(_submits, ticks);

    private sealed record Fit(double[]? Means, double[]? Lower, double[]? Upper, string Model, string? Note);
}
