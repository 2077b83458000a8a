using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Intervals;
using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Selection;

/// <summary>
/// The forecast a walk-forward evaluation (or a live forecaster) issues from successive origins of one series once a
/// model is chosen: the chosen model's point forecast, or — with combining on — the option among the model, the daily
/// and weekly seasonal naive, the recent median (the median of the last day's values before the origin, flat over the
/// horizon: what the absolute error rewards on spiky series) and the model's mean with any of them that has the lowest
/// recent error, the model kept unless another option's is lower by more than <see cref="HandOverMargin"/>
/// (<see cref="OnlineCombination"/>), and 95 % intervals from <see cref="OnlineConformal"/>
/// (normalized by the local scale, level adapted to the coverage seen so far) — or the split-conformal band it is given.
/// Both start from the selection backtest (the winner's and the benchmarks' errors on the training part) and
/// learn only from outcomes before the current origin: <see cref="ObserveUpTo"/> releases the errors of earlier
/// forecasts whose targets lie before it, and nothing at or after the origin is read.
/// </summary>
public sealed class WalkForwardForecast
{
    private const double Level = 95;

    /// <summary>Share by which another option's recent error must be lower than the chosen model's for it to take a step.</summary>
    public const double HandOverMargin = 0.07;

    private readonly IReadOnlyList<double> _y;
    private readonly int _daily;
    private readonly int _weekly;
    private readonly int _horizon;
    private readonly bool _online;
    private readonly bool _combine;
    private readonly double _floor;
    private readonly OnlineCombination _combination;
    private readonly OnlineConformal _conformal;
    private readonly List<Pending> _pending = [];
    private bool _levelScaled;
    private int _observedTo;

    private WalkForwardForecast(IReadOnlyList<double> y, int daily, int weekly, int horizon, bool online, bool combine, double floor)
    {
        _y = y;
        _daily = Math.Max(1, daily);
        _weekly = Math.Max(1, weekly);
        _horizon = horizon;
        _online = online;
        _combine = combine;
        _floor = floor;
        _combination = new OnlineCombination(4, horizon, margin: HandOverMargin);
        _conformal = new OnlineConformal(horizon, Level);
    }

    /// <summary>The level (percent) the next online interval is taken at.</summary>
    public double CurrentLevel => _conformal.CurrentLevel;

    /// <summary>
    /// Starts from a selection made on the history <c>y[historyStart..]</c> up to the first origin: the winner's and the
    /// benchmarks' (seasonal naives', recent median's) backtest errors seed the combination, and the combination's backtest errors
    /// (normalized by the local scale at each backtest origin) seed the conformal scores.
    /// </summary>
    /// <param name="selection">The selection (with its backtests).</param>
    /// <param name="y">The whole series; only values before each origin are read.</param>
    /// <param name="historyStart">Index in <paramref name="y"/> of the first value of the history the selection saw.</param>
    /// <param name="daily">Daily period in steps.</param>
    /// <param name="weekly">Weekly period in steps.</param>
    /// <param name="horizon">Steps per forecast.</param>
    /// <param name="online">Online conformal intervals (else the band passed to <see cref="Forecast"/>).</param>
    /// <param name="combine">Combine with the seasonal naives (else the model's forecast alone).</param>
    /// <param name="floor">Lower bound of the intervals (0 for non-negative series).</param>
    public static WalkForwardForecast Start(SelectionResult selection, IReadOnlyList<double> y, int historyStart, int daily, int weekly, int horizon, bool online, bool combine, double floor = double.NegativeInfinity)
    {
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        var walk = new WalkForwardForecast(y, daily, weekly, horizon, online, combine, floor);
        var winner = selection.Backtests?.FirstOrDefault(b => b.Model == selection.Winner);
        if (winner is null)
        {
            return walk;
        }

        // Seed windows: member forecasts = the winner's backtest forecast and the seasonal naives from the same origin.
        var seeds = new List<(int Origin, double[][] Members, double[] Actual)>();
        foreach (var w in winner.Windows)
        {
            int origin = historyStart + w.Origin;
            int h = Math.Min(horizon, w.Actual.Length);
            var members = walk.Members(origin, w.Forecast.Mean[..h]);
            seeds.Add((origin, members, w.Actual[..h]));
            for (int k = 0; k < h; k++)
            {
                walk._combination.Observe(k, [.. members.Select(m => w.Actual[k] - m[k])]);
            }
        }

        // Without a whole day observed before the first backtest origin there is no earlier day to read phase-local
        // scales from; a non-negative series is then scaled by the forecast's level (LevelScales), for the seeds and
        // every origin after them alike, so the scores stay in one unit.
        walk._levelScaled = floor >= 0 && seeds.Count > 0 && seeds.Min(s => s.Origin) < walk._daily + 1;
        var errors = new List<double[]>();
        var scales = new List<double[]>();
        foreach (var (origin, members, actual) in seeds)
        {
            var combined = walk._combine ? walk._combination.Combine(members) : members[0];
            var mean = actual.Select((_, k) => double.IsFinite(combined[k]) ? combined[k] : members[0][k]).ToArray();
            errors.Add([.. actual.Select((a, k) => a - mean[k])]);
            scales.Add(walk.Scales(origin, mean));
        }

        walk._conformal.SeedPerStep(errors, scales);
        return walk;
    }

    /// <summary>Releases the errors of earlier forecasts whose targets lie before <paramref name="origin"/> (each target once).</summary>
    public void ObserveUpTo(int origin)
    {
        origin = Math.Min(origin, _y.Count);
        if (origin <= _observedTo)
        {
            return;
        }

        foreach (var p in _pending)
        {
            for (int k = p.Released; k < p.Mean.Length && p.Origin + k < origin; k++)
            {
                double actual = _y[p.Origin + k];
                _combination.Observe(k, [.. p.Members.Select(m => actual - m[k])]);

                bool covered = actual >= p.Lower[k] && actual <= p.Upper[k];
                _conformal.Observe(k, actual - p.Mean[k], p.Scales[k], covered);
                p.Released = k + 1;
            }
        }

        _pending.RemoveAll(p => p.Released >= p.Mean.Length);
        _observedTo = origin;
    }

    /// <summary>The forecast issued at <paramref name="origin"/>: the point forecast and its 95 % interval.</summary>
    /// <param name="origin">Index of the first forecast target (values before it are observed).</param>
    /// <param name="modelMean">The chosen model's point forecast from that origin.</param>
    /// <param name="band">The split-conformal (or model's own) 95 % interval, used when intervals are not online.</param>
    public (double[] Mean, PredictionInterval Band) Forecast(int origin, double[] modelMean, PredictionInterval band)
    {
        ArgumentNullException.ThrowIfNull(modelMean);
        ArgumentNullException.ThrowIfNull(band);
        int h = Math.Min(modelMean.Length, _horizon);
        var members = Members(origin, modelMean[..h]);
        var mean = modelMean.ToArray();
        if (_combine)
        {
            var combined = _combination.Combine(members);
            for (int k = 0; k < h; k++)
            {
                mean[k] = double.IsFinite(combined[k]) ? combined[k] : modelMean[k];
            }
        }

        var scales = Scales(origin, mean[..h]);
        PredictionInterval issued;
        if (_online)
        {
            issued = _conformal.Interval(mean, scales, _floor);
        }
        else if (_combine)
        {
            // The split band re-centred on the combined forecast.
            issued = band with
            {
                Lower = [.. mean.Select((m, k) => Math.Max(_floor, m - (modelMean[k] - band.Lower[k])))],
                Upper = [.. mean.Select((m, k) => m + (band.Upper[k] - modelMean[k]))],
            };
        }
        else
        {
            issued = band;
        }

        _pending.Add(new Pending(origin, members, mean[..h], issued.Lower[..h], issued.Upper[..h], scales));
        return (mean, issued);
    }

    /// <summary>
    /// The local scale of each step of <paramref name="mean"/> forecast from <paramref name="origin"/>: around the
    /// target's phase of the day on the last days (an hour either side), or — for a non-negative series shorter than a
    /// day at its first backtest origin — the forecast's level.
    /// </summary>
    private double[] Scales(int origin, double[] mean) => _levelScaled
        ? OnlineConformal.LevelScales(_y, origin, mean)
        : OnlineConformal.PhaseScales(_y, origin, mean.Length, _daily, Math.Max(1, _daily / 24));

    /// <summary>The combined members from <paramref name="origin"/>: the model, the daily and weekly seasonal naive, the recent median.</summary>
    private double[][] Members(int origin, double[] model) =>
        [model, Naive(origin, model.Length, _daily), Naive(origin, model.Length, _weekly), RecentMedian(origin, model.Length)];

    /// <summary>The median of the last day's values before <paramref name="origin"/> (fewer at the start of the series; NaN when none), flat over <paramref name="h"/> steps.</summary>
    private double[] RecentMedian(int origin, int h)
    {
        int to = Math.Min(origin, _y.Count);
        int from = Math.Max(0, to - _daily);
        var last = new double[to - from];
        for (int i = 0; i < last.Length; i++)
        {
            last[i] = _y[from + i];
        }

        return [.. Enumerable.Repeat(Statistics.Median(last), h)];
    }

    private double[] Naive(int origin, int h, int period) =>
        [.. Enumerable.Range(1, h).Select(k => SeasonalNaiveBaseline.Forecast(_y, origin, k, period))];

    private sealed class Pending(int origin, double[][] members, double[] mean, double[] lower, double[] upper, double[] scales)
    {
        public int Origin { get; } = origin;

        public double[][] Members { get; } = members;

        public double[] Mean { get; } = mean;

        public double[] Lower { get; } = lower;

        public double[] Upper { get; } = upper;

        public double[] Scales { get; } = scales;

        public int Released { get; set; }
    }
}
