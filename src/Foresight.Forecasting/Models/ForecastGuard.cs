using Foresight.Forecasting.Quality;

namespace Foresight.Forecasting.Models;

/// <summary>
/// Wraps a fitted model: checks the arguments, and replaces a forecast that is non-finite or leaves the band
/// [min − 3·range, max + 3·range] of the history with a seasonal-naive one (flagged <c>FellBack</c>). Histories that
/// never go negative get non-negative forecasts and lower bounds (load cannot be negative). Refreshing (when the
/// wrapped model can be refreshed) wraps the refreshed model in a guard on the newer history.
/// </summary>
internal sealed class ForecastGuard : IRefreshableFitted
{
    private readonly IFittedForecaster _inner;
    private readonly SeriesHistory _history;
    private readonly double[] _y;
    private readonly string? _note;
    private readonly double _lo;
    private readonly double _hi;
    private readonly bool _nonNegative;
    private IFittedForecaster? _fallback;

    public ForecastGuard(string name, IFittedForecaster inner, SeriesHistory history, double[] y, string? note)
    {
        Name = name;
        _inner = inner;
        _history = history;
        _y = y;
        _note = note;
        double min = y.Min(), max = y.Max();
        double range = Math.Max(max - min, Math.Max(Math.Abs(max), 1e-9));
        _lo = min - 3 * range;
        _hi = max + 3 * range;
        _nonNegative = min >= 0;
    }

    public string Name { get; }

    public IFittedForecaster Inner => _inner;

    public bool CanRefresh => _inner is IRefreshableFitted { CanRefresh: true };

    public IFittedForecaster Refresh(SeriesHistory history)
    {
        var y = SeriesValidator.Validate(history);
        var inner = _inner switch
        {
            FittedModel { CanRefresh: true } model => model.Refresh(history, y),
            IRefreshableFitted { CanRefresh: true } refreshable => refreshable.Refresh(history),
            _ => throw new InvalidOperationException($"{Name} cannot be refreshed; refit it."),
        };
        return new ForecastGuard(Name, inner, history, y, _note);
    }

    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        CheckArguments(horizon, levels);
        var result = _inner.Predict(horizon, levels);
        if (!Acceptable(result.Mean))
        {
            _fallback ??= Fallback(_history, _y);
            var fb = _fallback.Predict(horizon, levels);
            return Clip(fb) with { FellBack = true, Note = $"{Name} produced a non-finite or divergent forecast; seasonal-naive fallback" };
        }

        var clipped = Clip(result);
        return _note is null ? clipped : clipped with { Note = _note };
    }

    internal static void CheckArguments(int horizon, IReadOnlyList<double> levels)
    {
        if (horizon < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The horizon must be at least 1 step.");
        }

        ArgumentNullException.ThrowIfNull(levels);
        foreach (var level in levels)
        {
            if (!(level > 0 && level < 100))
            {
                throw new ArgumentOutOfRangeException(nameof(levels), level, "Interval levels are percentages strictly between 0 and 100.");
            }
        }
    }

    internal static IFittedForecaster Fallback(SeriesHistory history, double[] y)
    {
        int m = history.SeasonalPeriods.Count > 0 ? history.SeasonalPeriods[0] : 1;
        return m > 1 && y.Length >= m ? SeasonalNaiveForecaster.FitValues(y, m, "SeasonalNaive") : NaiveForecaster.FitValues(y, "Naive");
    }

    private bool Acceptable(double[] mean)
    {
        foreach (var v in mean)
        {
            if (!double.IsFinite(v) || v < _lo || v > _hi)
            {
                return false;
            }
        }

        return true;
    }

    private ForecastResult Clip(ForecastResult r)
    {
        bool badInterval = r.Intervals.Any(i => i.Lower.Any(v => !double.IsFinite(v)) || i.Upper.Any(v => !double.IsFinite(v)));
        var intervals = badInterval ? Fallback(_history, _y).Predict(r.Mean.Length, r.Intervals.Select(i => i.Level).ToList()).Intervals : r.Intervals;
        if (!_nonNegative)
        {
            return badInterval ? r with { Intervals = intervals } : r;
        }

        var mean = r.Mean.Select(v => Math.Max(0, v)).ToArray();
        var clipped = intervals.Select(i => new PredictionInterval(i.Level, i.Lower.Select(v => Math.Max(0, v)).ToArray(), i.Upper.Select(v => Math.Max(0, v)).ToArray())).ToList();
        return r with { Mean = mean, Intervals = clipped };
    }
}
