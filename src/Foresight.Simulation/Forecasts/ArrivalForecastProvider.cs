using System.Globalization;
using Foresight.Autoscaling.Observations;
using Foresight.Forecasting;
using Foresight.Forecasting.Metrics;
using Foresight.Forecasting.Online;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Forecasts;

/// <summary>
/// Forecasts job arrivals with a <see cref="IForecaster"/> from <c>Foresight.Forecasting</c>. Arrivals are counted per
/// bucket; at each refit time (a multiple of the refit period after the first bucket) the model is fitted on the
/// buckets complete by then, and only on those: a forecast at time t never reads an arrival at or after the refit time
/// it uses, which is ≤ t. Fits are cached by refit time, so every policy and the accuracy report see the same
/// forecasts. A forecaster that throws, or whose forecast is non-finite or diverges, gives no forecast for that refit
/// period (with a note saying why), and the policies fall back to their rules.
/// Every complete bucket is scored against the forecast the fit active at its start made for it (its absolute error,
/// scaled by the first fit's mean one-step change, goes to a drift detector); with
/// <see cref="ArrivalForecastOptions.Online"/> a signal refits the model at once on the arrivals since the detected
/// change, and later scheduled refits keep to the buckets since then. A bucket is scored only when a forecast at or
/// after its end is asked for (or for the figures, <see cref="Online"/>), so no forecast reads it early; without online
/// learning the scoring runs only for the figures and changes no forecast.
/// </summary>
public sealed class ArrivalForecastProvider : IForecastProvider
{
    private readonly long[] _submits;
    private readonly long[] _ends;
    private readonly double[] _endedSeconds;
    private readonly IForecaster _forecaster;
    private readonly Func<int, IReadOnlyList<int>> _seasons;
    private readonly Dictionary<(int Complete, int From), Fit> _fits = [];
    private readonly IDriftDetector _detector;
    private readonly List<int> _detections = [];
    private readonly List<(int At, int ChangeStart)> _driftRefits = [];
    private readonly List<(int Bucket, double Error)> _errors = [];
    private int _monitored;
    private double _scale = double.NaN;
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
        var online = Options.Online ?? new OnlineForecastOptions();
        _detector = DriftDetectors.Create(online.Detector, online.Drift);
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

        if (Options.Online is not null)
        {
            Monitor((int)((t - _origin) / _bucket));
        }

        var (complete, from) = ActiveFit(t);
        if (complete < Options.MinHistoryBuckets)
        {
            return LoadForecast.Missing(string.Create(CultureInfo.InvariantCulture, $"history of {complete} buckets is shorter than the {Options.MinHistoryBuckets} needed"));
        }

        var fit = FitOf(complete, from);
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

    /// <summary>
    /// The live scoring of every bucket up to the end of the trace: the detector's signals, and the mean absolute error
    /// (arrivals per bucket) before and after <paramref name="changeAt"/> (the true change point, when known; else the
    /// first signal).
    /// </summary>
    public OnlineFigures Online(DateTimeOffset? changeAt)
    {
        if (_submits.Length > 0)
        {
            Monitor((int)((_submits[^1] - _origin) / _bucket));
        }

        DateTimeOffset At(int bucket) => new(_origin + (bucket * _bucket), TimeSpan.Zero);
        int? change = changeAt is { } c ? (int)Math.Max(0, (c.UtcTicks - _origin) / _bucket) : _detections.Count > 0 ? _detections[0] : null;
        int? detected = change is { } b ? _detections.Cast<int?>().FirstOrDefault(d => d >= b) : null;
        double Mae(Func<int, bool> which)
        {
            var errors = _errors.Where(e => which(e.Bucket)).Select(e => e.Error).ToList();
            return errors.Count == 0 ? double.NaN : errors.Average();
        }

        return new OnlineFigures(
            _detector.Name,
            [.. _detections.Select(At)],
            detected is { } d ? At(d) : null,
            change is { } f ? _detections.Count(x => x < f) : 0,
            change is { } m ? Mae(x => x < m) : Mae(_ => true),
            change is { } n ? Mae(x => x >= n) : double.NaN,
            _driftRefits.Count,
            _errors.Count);
    }

    /// <summary>Arrivals counted in each complete bucket before <paramref name="buckets"/> (what a fit at that point sees).</summary>
    public double[] History(int buckets) => History(buckets, 0);

    /// <summary>Arrivals counted in each complete bucket from <paramref name="first"/> to before <paramref name="buckets"/> (at most <see cref="ArrivalForecastOptions.MaxHistoryBuckets"/>).</summary>
    public double[] History(int buckets, int first)
    {
        var from = Math.Max(first, buckets - Options.MaxHistoryBuckets);
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

    /// <summary>The fit a forecast at <paramref name="t"/> uses: the later of the scheduled refit and the last drift refit
    /// at or before t, on the buckets complete then; after a drift, only those since the detected change (but at least
    /// <see cref="OnlineForecastOptions.MinRefitBuckets"/>, so the first refits borrow the newest buckets before it).</summary>
    private (int Complete, int From) ActiveFit(long t)
    {
        var refit = Options.RefitEvery.Ticks;
        var fitAt = _origin + ((t - _origin) / refit * refit);
        var complete = (int)((fitAt - _origin) / _bucket);
        int? changeStart = null;
        foreach (var (at, start) in _driftRefits)
        {
            if (_origin + (at * _bucket) > t)
            {
                break;
            }

            changeStart = start;
            complete = Math.Max(complete, at);
        }

        return changeStart is { } c && Options.Online is { } online
            ? (complete, Math.Max(0, Math.Min(c, complete - online.MinRefitBuckets)))
            : (complete, 0);
    }

    private Fit FitOf(int complete, int from)
    {
        if (!_fits.TryGetValue((complete, from), out var fit))
        {
            fit = FitAt(complete, from);
            _fits[(complete, from)] = fit;
        }

        return fit;
    }

    /// <summary>Scores the buckets before <paramref name="upTo"/> not scored yet, in order, against the forecast of the fit
    /// active at each one's start; a drift signal records a refit at the next bucket when learning online.</summary>
    private void Monitor(int upTo)
    {
        while (_monitored < upTo)
        {
            var b = _monitored++;
            var start = _origin + (b * _bucket);
            var (complete, from) = ActiveFit(start);
            if (complete < Options.MinHistoryBuckets || FitOf(complete, from) is not { Means: { } means })
            {
                continue;
            }

            var actual = CountBefore(start + _bucket) - CountBefore(start);
            var error = Math.Abs(actual - means[Math.Min(b - complete, means.Length - 1)]);
            _errors.Add((b, error));
            if (double.IsNaN(_scale))
            {
                var scale = ForecastMetrics.MaseScale(History(complete, from), 1);
                _scale = scale > 0 && double.IsFinite(scale) ? scale : 1;
            }

            if (!_detector.Add(error / _scale))
            {
                continue;
            }

            _detections.Add(b);
            if (Options.Online is not null)
            {
                // The detector estimates how many of its values the new regime has had: the change began that many buckets back.
                var refitAt = b + 1;
                _driftRefits.Add((refitAt, refitAt - (int)Math.Clamp(_detector.ChangeLength, 1, refitAt)));
            }
        }
    }

    private Fit FitAt(int complete, int first)
    {
        var values = History(complete, first);
        var steps = (int)Math.Ceiling((Options.RefitEvery + Options.MaxHorizon).Ticks / (double)_bucket) + 2;
        var from = complete - values.Length;
        var history = new SeriesHistory(values, _seasons(values.Length), new DateTimeOffset(_origin + (from * _bucket), TimeSpan.Zero), Options.Bucket, Options.Holidays.Count > 0 ? Options.Holidays : null);
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

/// <summary>
/// What the live scoring of a replay's forecasts saw: the detector, its signals, the first signal at or after the
/// change, the signals before it, the mean absolute error of the scored buckets (arrivals per bucket) before and after
/// the change, the refits the signals caused (0 without online learning) and the buckets scored.
/// </summary>
public sealed record OnlineFigures(
    string Detector,
    IReadOnlyList<DateTimeOffset> Detections,
    DateTimeOffset? DetectedAt,
    int FalseAlarms,
    double MaeBefore,
    double MaeAfter,
    int DriftRefits,
    int Scored);
