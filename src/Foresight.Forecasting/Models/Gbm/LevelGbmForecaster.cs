using Foresight.Forecasting.Quality;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// Single-series direct multi-horizon median GBM for arrival and utilization series, in the shape of the
/// gradient-boosting peer of <c>benchmarks/peers/arrival_peers.py</c>: trees grown by LightGBM's C API with the
/// absolute loss (<c>objective=l1</c>), so the forecast is the conditional median — on spiky series the value MAE
/// rewards, where copying yesterday's spike (seasonal naive) pays twice.
/// <list type="bullet">
/// <item>features (<see cref="LevelGbmFeatures"/>): lags 1 and 2, the same phase one day and (weekly layout) one week
/// before the target, the recent level, hour of day, day of week, holiday flag, phase and the step — all on the series'
/// own scale relative to the recent level, and the label is the target minus that level, so a level shift moves the
/// anchor rather than leaving the trees outside the range they were trained on; the level is the median of a span
/// chosen per series (<see cref="ChooseSpan"/>: an hour, a quarter of a day or a day), replaced by the last hour's
/// median when all of the last hour lies on one side of it (<see cref="LevelGbmFeatures.Level"/>);</item>
/// <item>one direct model per horizon band (<see cref="LevelGbmOptions.BandEnds"/>: steps 1–3, 4–12, 13–48 by
/// default), trained on the steps 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48 that fall in it, the step a feature;</item>
/// <item>recent window: training origins cover at most <see cref="LevelGbmOptions.WindowSeasons"/> longest periods
/// (8 weeks) before the end of the history; the weekly layout is used when at least two seasons (days) of origins
/// remain after the week-ago reach, else the daily one;</item>
/// <item>intervals: the empirical quantiles of the training rows' absolute errors per band (in-sample, so narrower than
/// out-of-sample errors); automatic selection and <c>evaluate series</c> replace them with conformal intervals from
/// rolling-origin errors.</item>
/// </list>
/// A history too short for the daily layout (six seasons plus two horizons) gets seasonal naive.
/// </summary>
public sealed class LevelGbmForecaster(LevelGbmOptions? options = null) : IForecaster
{
    /// <summary>Training origins at most that <see cref="ChooseSpan"/> scores.</summary>
    internal const int SpanOrigins = 2_000;

    private static readonly int[] StepGrid = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48];

    /// <summary>The options in force.</summary>
    public LevelGbmOptions Options { get; } = options ?? new LevelGbmOptions();

    /// <inheritdoc />
    public string Name => "GBM-median";

    /// <inheritdoc />
    public IFittedForecaster Fit(SeriesHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var all = SeriesValidator.Validate(history);
        var features = Layout(all.Length, history.SeasonalPeriods);
        if (features is null || SeriesValidator.IsConstant(all))
        {
            return new SeasonalNaiveForecaster().Fit(history);
        }

        var o = Options;
        var bands = Bands(o);
        var firstOrigin = Math.Max(features.MinOrigin, all.Length - (o.WindowSeasons * features.Longest) - o.Horizon);
        if (o.LevelSpan == 0)
        {
            features = features.WithSpan(ChooseSpan(all, features, firstOrigin, [.. bands.SelectMany(b => b)]));
        }

        var calendar = GbmCalendar.For(history);
        var trees = new GbmTrees[bands.Length];
        var errors = new double[bands.Length][];
        for (var b = 0; b < bands.Length; b++)
        {
            (trees[b], errors[b]) = Train(all, features, calendar, bands[b], firstOrigin);
        }

        return new LevelGbmFitted(trees, errors, [.. bands.Select(b => b[^1])], features, calendar, all.All(v => v >= 0), o.Horizon, history.Start, history.Frequency, all);
    }

    /// <summary>The feature layout for a history length, or null when it is too short for even the daily one.</summary>
    internal LevelGbmFeatures? Layout(int n, IReadOnlyList<int> periods)
    {
        var seasonal = periods.Where(p => p > 1).ToArray();
        if (seasonal.Length == 0)
        {
            return null;
        }

        var season = seasonal[0];
        var longest = seasonal.Max();
        var span = Options.LevelSpan > 0 ? Options.LevelSpan : Math.Max(3, season / 24);
        var h = Options.Horizon;
        if (longest > season && n >= longest + (2 * season) + h)
        {
            return new LevelGbmFeatures(season, longest, weekly: true, span);
        }

        return n >= (6 * season) + (2 * h) ? new LevelGbmFeatures(season, longest, weekly: false, span) : null;
    }

    /// <summary>
    /// The level span of a series: among an hour (a 24th of the season, at least 3 steps), a quarter of the season and
    /// the whole season, the one whose level (<see cref="LevelGbmFeatures.Level"/>: its median, or the last hour's after
    /// a shift), held flat, has the lowest mean absolute error over the trained steps from the training origins (at
    /// most <see cref="SpanOrigins"/>, evenly thinned) — a long span where the series is spiky around a steady level
    /// (the last hour's median follows the bursts), the short one where the level moves; the shorter span on ties.
    /// </summary>
    internal static int ChooseSpan(double[] y, LevelGbmFeatures features, int firstOrigin, int[] steps)
    {
        var lastOrigin = y.Length - steps.Max();
        var available = lastOrigin - firstOrigin + 1;
        if (available < 1)
        {
            return features.Span;
        }

        var take = Math.Min(available, SpanOrigins);
        var spans = new[] { features.Span, Math.Max(features.Span, features.Season / 4), Math.Max(features.Span, features.Season) }.Distinct().ToArray();
        var best = features.Span;
        var bestError = double.PositiveInfinity;
        foreach (var span in spans)
        {
            var layout = features.WithSpan(span);
            double sum = 0;
            for (var i = 0; i < take; i++)
            {
                var origin = lastOrigin - (int)((long)i * (available - 1) / Math.Max(1, take - 1));
                var level = layout.Level(y, origin);
                foreach (var k in steps)
                {
                    sum += Math.Abs(y[origin + k - 1] - level);
                }
            }

            if (sum < bestError)
            {
                (best, bestError) = (span, sum);
            }
        }

        return best;
    }

    /// <summary>The trained steps of each band (ascending, non-empty, the last band ending at the horizon).</summary>
    internal static int[][] Bands(LevelGbmOptions o)
    {
        var grid = StepGrid.Where(k => k < o.Horizon).Append(o.Horizon).Distinct().ToArray();
        var ends = o.BandEnds.Where(e => e >= 1 && e < o.Horizon).Append(o.Horizon).Distinct().Order().ToArray();
        var bands = new List<int[]>();
        var from = 1;
        foreach (var end in ends)
        {
            var steps = grid.Where(k => k >= from && k <= end).ToArray();
            if (steps.Length > 0)
            {
                bands.Add(steps);
            }

            from = end + 1;
        }

        return [.. bands];
    }

    private (GbmTrees Trees, double[] AbsoluteErrors) Train(double[] y, LevelGbmFeatures features, GbmCalendar calendar, int[] steps, int firstOrigin)
    {
        var o = Options;
        var lastOrigin = y.Length - steps[^1];
        var available = Math.Max(1, lastOrigin - firstOrigin + 1);
        var take = Math.Max(1, Math.Min(available, o.MaxRowsPerBand / steps.Length));
        var rows = new List<GbmRow>(take * steps.Length);
        for (var i = 0; i < take; i++)
        {
            // Evenly thinned, always including the most recent origin.
            var origin = lastOrigin - (int)((long)i * (available - 1) / Math.Max(1, take - 1));
            var level = features.Level(y, origin);
            foreach (var k in steps)
            {
                var row = new float[features.Count];
                features.Row(y, origin, k, k, level, calendar, 0, row);
                rows.Add(new GbmRow { Label = (float)(y[origin + k - 1] - level), Features = row });
            }
        }

        var settings = new GbmLearnerSettings(GbmTrainer.LightGbm, o.Trees, o.Leaves, o.MinRowsPerLeaf, o.LearningRate, o.Threads, o.Seed);
        var trees = LightGbmNative.Grow(rows, features.Count, settings, "objective=l1");
        var errors = rows.Select(r => Math.Abs(r.Label - trees.Score(r.Features))).ToArray();
        Array.Sort(errors);
        return (trees, errors);
    }
}
