using Foresight.Forecasting.Intervals;
using Foresight.Forecasting.Numerics;
using Foresight.Forecasting.Quality;
using Microsoft.ML.Trainers.FastTree;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// Single-series direct multi-horizon gradient-boosted model for arrival-like series (counts per bucket with daily
/// and weekly cycles). One ML.NET LightGbm model (FastTree when the native library does not load) with the horizon
/// step as a feature, trained on rows (origin, step) for the steps 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48:
/// <list type="bullet">
/// <item>working scale z = log1p(y) for non-negative series (counts), y otherwise; the forecast is expm1 of the
/// predicted z, i.e. the median when errors on the log1p scale are symmetric;</item>
/// <item>features (<see cref="GbmFeatures"/>): lags 1, 2, one day and one week (one day only when fewer than two weeks
/// of training origins exist), the same-phase values of the last days, the week-ago value, hour of day, day of week,
/// holiday flag and phase; the label is the offset from the daily seasonal-naive anchor, scaled by the recent
/// mean absolute deviation;</item>
/// <item>bursts: the inputs and labels go through a seasonal Hampel filter (each point against the same hour and weekday
/// on the neighbouring weeks — same hour on the neighbouring days in the daily-only layout; the last hour is left as
/// observed), so a burst drags neither the anchors nor the fitted profile;</item>
/// <item>recent window: training origins cover at most <see cref="ArrivalGbmOptions.WindowSeasons"/> longest periods
/// (8 weeks by default) before the end of the history;</item>
/// <item>intervals: locally weighted split-conformal. The last origins of the window (never trained on) give
/// errors on the working scale divided by the local scale; those errors are further divided by their predicted-level
/// bin's median absolute error, so the interval width grows with the predicted level (narrow quiet nights, wide busy
/// hours); the per-step quantile of the normalized scores times the bin's and local scale gives the half-width.</item>
/// </list>
/// A history too short for the layout (fewer than the feature reach + 2 horizons + calibration) gets seasonal naive.
/// </summary>
public sealed class ArrivalGbmForecaster(ArrivalGbmOptions? options = null) : IForecaster
{
    private static readonly int[] StepGrid = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48];

    /// <summary>The options in force.</summary>
    public ArrivalGbmOptions Options { get; } = options ?? new ArrivalGbmOptions();

    /// <inheritdoc />
    public string Name => Options.Objective == GbmObjective.AbsoluteError ? "GBM-direct-L1" : "GBM-direct";

    /// <inheritdoc />
    public IFittedForecaster Fit(SeriesHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var all = SeriesValidator.Validate(history);
        var o = Options;
        var periods = history.SeasonalPeriods.Where(p => p > 1).ToArray();
        var layout = Layout(all.Length, periods);
        var h = o.Horizon;
        if (layout is null || SeriesValidator.IsConstant(all))
        {
            return new SeasonalNaiveForecaster().Fit(history);
        }

        var (features, season, longest) = layout.Value;
        var spacing = Math.Max(1, season / 24);
        var origins = all.Length - features.MinOrigin - h;
        var calibrationSpan = Math.Min(o.CalibrationOrigins * spacing, origins / 3);
        var calibrationCount = Math.Max(1, calibrationSpan / spacing);

        // Recent window: the feature reach, the training origins and the calibration origins.
        var length = Math.Min(all.Length, features.MinOrigin + (o.WindowSeasons * longest) + (calibrationCount * spacing) + (2 * h));
        var offset = all.Length - length;
        var y = all[offset..];
        var nonNegative = all.All(v => v >= 0);
        var z = ToWorking(y, nonNegative);
        var zc = Robust(z, longest, season, o.HampelCycles);
        var calendar = GbmCalendar.For(history);

        var lastCalibration = y.Length - h;
        var firstCalibration = lastCalibration - ((calibrationCount - 1) * spacing);
        var lastTrain = firstCalibration - h;
        var trees = Train(zc, calendar, offset, features, lastTrain);

        // Locally weighted conformal scores from the held-out origins.
        var predicted = new List<double>();
        var errors = new List<double>();
        var originPart = new float[features.OriginCount];
        var row = new float[features.Count];
        for (var origin = firstCalibration; origin <= lastCalibration; origin += spacing)
        {
            var (c, s) = features.Stats(zc, origin);
            features.OriginPart(zc, origin, c, s, originPart);
            for (var k = 1; k <= h; k++)
            {
                features.Row(zc, origin, k, c, s, originPart, calendar, offset, row);
                var zhat = features.Baseline(zc, origin, k) + (s * trees.Score(row));
                predicted.Add(zhat);
                errors.Add((z[origin + k - 1] - zhat) / s);
            }
        }

        var bins = LevelBins.From(predicted, errors, o.LevelBins);
        var windows = new List<double[]>();
        for (var w = 0; w < calibrationCount; w++)
        {
            var e = new double[h];
            for (var k = 0; k < h; k++)
            {
                var i = (w * h) + k;
                e[k] = errors[i] / bins.Scale(predicted[i]);
            }

            windows.Add(e);
        }

        var scores = ConformalCalibration.FromErrors(windows);
        return new ArrivalGbmFitted(trees, features, calendar, scores, bins, nonNegative, longest, season, o.HampelCycles, history.Start, history.Frequency, all);
    }

    /// <summary>z = log1p(y) for non-negative series, else y.</summary>
    internal static double[] ToWorking(IReadOnlyList<double> y, bool nonNegative) =>
        nonNegative ? [.. y.Select(v => Math.Log(1 + v))] : [.. y];

    /// <summary>Seasonal-Hampel-clipped copy (same phase of <paramref name="period"/> on ±<paramref name="cycles"/> neighbouring cycles); the last 1/24 of a day (at least 2 steps) stays as observed.</summary>
    internal static double[] Robust(double[] z, int period, int season, int cycles) =>
        cycles < 1 || period < 2 ? z : HampelFilter.ClipSeasonal(z, period, cycles, keepLast: KeptRaw(season));

    /// <summary>Trailing steps the Hampel filter leaves as observed (a shift that just started is not a burst yet).</summary>
    internal static int KeptRaw(int season) => Math.Max(2, season / 24);

    /// <summary>The feature layout for a history length: weekly lag and anchors when two weeks of origins remain after them, else daily only; null when too short.</summary>
    internal (GbmFeatures Features, int Season, int Longest)? Layout(int n, IReadOnlyList<int> periods)
    {
        if (periods.Count == 0)
        {
            return null;
        }

        var season = periods[0];
        var longest = periods.Max();
        var h = Options.Horizon;
        if (longest > season)
        {
            var weekly = new GbmFeatures([1, 2, season, longest], periods, Math.Max(1, Math.Min(7, longest / season)), false);
            if (n >= weekly.MinOrigin + (2 * longest) + (2 * h))
            {
                return (weekly, season, longest);
            }
        }

        var daily = new GbmFeatures([1, 2, season], [season], 3, false);
        var enough = daily.MinOrigin + (4 * season) + (2 * h) + 16;
        return n >= enough ? (daily, season, season) : null;
    }

    private GbmTrees Train(double[] z, GbmCalendar calendar, int offset, GbmFeatures features, int lastOrigin)
    {
        var o = Options;
        var steps = StepGrid.Where(k => k < o.Horizon).Append(o.Horizon).Distinct().ToArray();
        var available = lastOrigin - features.MinOrigin + 1;
        var take = Math.Max(1, Math.Min(available, o.MaxRows / steps.Length));
        var rows = new List<GbmRow>(take * steps.Length);
        var originPart = new float[features.OriginCount];
        for (var i = 0; i < take; i++)
        {
            // Evenly thinned, always including the most recent origin.
            var origin = lastOrigin - (int)((long)i * (available - 1) / Math.Max(1, take - 1));
            var (c, s) = features.Stats(z, origin);
            features.OriginPart(z, origin, c, s, originPart);
            foreach (var k in steps)
            {
                var row = new float[features.Count];
                features.Row(z, origin, k, c, s, originPart, calendar, offset, row);
                rows.Add(new GbmRow { Label = (float)((z[origin + k - 1] - features.Baseline(z, origin, k)) / s), Features = row });
            }
        }

        var settings = new GbmLearnerSettings(o.Trainer, o.Trees, o.Leaves, o.MinRowsPerLeaf, o.LearningRate, o.Threads, o.Seed);
        return o.Objective == GbmObjective.AbsoluteError
            ? LightGbmNative.Grow(rows, features.Count, settings, "objective=l1")
            : new GbmTrees(GbmLearner.Grow(rows, features.Count, settings).Ensemble);
    }
}

/// <summary>Predicted-level bins (quantile edges) and each bin's median absolute normalized error, for locally weighted conformal intervals.</summary>
internal sealed class LevelBins
{
    private readonly double[] _edges;
    private readonly double[] _scales;

    private LevelBins(double[] edges, double[] scales)
    {
        _edges = edges;
        _scales = scales;
    }

    public static LevelBins From(IReadOnlyList<double> predicted, IReadOnlyList<double> errors, int count)
    {
        count = Math.Max(1, count);
        var sorted = predicted.ToArray();
        Array.Sort(sorted);
        var edges = Enumerable.Range(1, count - 1).Select(b => Statistics.Quantile(sorted, (double)b / count)).ToArray();
        var overall = Math.Max(Statistics.Median(errors.Select(Math.Abs)), 1e-6);
        var scales = new double[count];
        for (var b = 0; b < count; b++)
        {
            var inBin = new List<double>();
            for (var i = 0; i < predicted.Count; i++)
            {
                if (Bin(edges, predicted[i]) == b)
                {
                    inBin.Add(Math.Abs(errors[i]));
                }
            }

            // A bin's scale never falls below a quarter of the overall one, so a calm bin still gets an interval.
            scales[b] = inBin.Count >= 10 ? Math.Max(Statistics.Median(inBin), 0.25 * overall) : overall;
        }

        return new LevelBins(edges, scales);
    }

    public double Scale(double predicted) => _scales[Bin(_edges, predicted)];

    private static int Bin(double[] edges, double value)
    {
        var b = 0;
        while (b < edges.Length && value > edges[b])
        {
            b++;
        }

        return b;
    }
}
