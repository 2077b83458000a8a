using Foresight.Forecasting.Intervals;
using Foresight.Forecasting.Quality;
using Microsoft.ML.Trainers.FastTree;

namespace Foresight.Forecasting.Models.Gbm;

/// <summary>
/// A global gradient-boosted forecaster (ML.NET LightGbm, FastTree as fallback). Direct multi-horizon with the
/// horizon step as a feature: one model for all steps, each training row is (origin, step). Features are lags of
/// the scale-free series, same-phase anchors, calendar and holiday flags (see <see cref="GbmFeatures"/>).
/// <see cref="FitMany"/> trains across many series; <see cref="Fit"/> is the one-series case. Intervals are
/// split-conformal per step on the last <see cref="GbmOptions.CalibrationOrigins"/> origins of each series,
/// which training never sees.
/// </summary>
public sealed class GbmForecaster(GbmOptions? options = null) : IGlobalForecaster
{
    /// <summary>The options in force.</summary>
    public GbmOptions Options { get; } = options ?? new GbmOptions();

    /// <inheritdoc />
    public string Name => "gbm";

    /// <inheritdoc />
    public IFittedForecaster Fit(SeriesHistory history) => FitMany([history])[0];

    /// <inheritdoc />
    IReadOnlyList<IFittedForecaster> IGlobalForecaster.FitMany(IReadOnlyList<SeriesHistory> histories) => FitMany(histories);

    /// <summary>Minimum history length for the given seasonal periods under these options.</summary>
    public int MinimumLength(IReadOnlyList<int> periods) => Layout(periods, false).MinOrigin + (2 * Options.Horizon) + 8;

    /// <summary>Trains one model on all <paramref name="histories"/> and returns a fitted model per series, in order.</summary>
    public IReadOnlyList<GbmFittedForecaster> FitMany(IReadOnlyList<SeriesHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        if (histories.Count == 0)
        {
            throw new ForecastInputException("At least one series is required.");
        }

        var o = Options;
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Horizon, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Trees, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Leaves, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Threads, 1);
        if (o.Lags is null || o.Lags.Count == 0 || o.Lags.Any(l => l < 1))
        {
            throw new ArgumentException("GBM lags must be a non-empty list of positive steps.", nameof(histories));
        }

        var periods = histories[0].SeasonalPeriods ?? [];
        var layout = Layout(periods, false);
        var minimum = MinimumLength(periods);
        var series = new double[histories.Count][];
        var calibration = new int[histories.Count];
        for (var s = 0; s < histories.Count; s++)
        {
            series[s] = Validate(histories[s], periods, s);
            if (series[s].Length < minimum)
            {
                throw new ForecastInputException(
                    $"Series {s} has {series[s].Length} points; the GBM needs at least {minimum} (longest lag or anchor reach {layout.MinOrigin} + 2 × horizon {o.Horizon} + 8). Use a statistical model for short histories, or shorter lags.");
            }

            calibration[s] = Math.Min(o.CalibrationOrigins, series[s].Length - layout.MinOrigin - (2 * o.Horizon));
        }

        // Log scale when everything is positive: multiplicative seasonality becomes additive and errors relative.
        var features = Layout(periods, series.All(y => y.All(v => v > 0)));
        var working = series.Select(features.ToWorking).ToArray();
        var calendars = histories.Select(GbmCalendar.For).ToArray();
        var (ensemble, trainer) = Train(working, calendars, calibration, features);
        var trees = new GbmTrees(ensemble);
        var scores = Calibrate(working, calendars, calibration, features, trees);
        return [.. working.Select((z, s) => new GbmFittedForecaster(trees, features, calendars[s], scores, z, trainer))];
    }

    private GbmFeatures Layout(IReadOnlyList<int> periods, bool logScale) => new(Options.Lags, periods, Options.SeasonalAnchors, logScale);

    private static double[] Validate(SeriesHistory history, IReadOnlyList<int> periods, int index)
    {
        ArgumentNullException.ThrowIfNull(history);
        var values = SeriesValidator.Validate(history);
        if (!history.SeasonalPeriods.SequenceEqual(periods))
        {
            throw new ForecastInputException($"Series {index} has seasonal periods [{string.Join(',', history.SeasonalPeriods)}]; one global model needs the same periods for every series ([{string.Join(',', periods)}]).");
        }

        return values;
    }

    private (RegressionTreeEnsemble Ensemble, string Trainer) Train(double[][] series, GbmCalendar[] calendars, int[] calibration, GbmFeatures features)
    {
        var o = Options;
        var h = o.Horizon;
        var perSeries = Math.Max(1, o.MaxRows / (h * series.Length));
        var rows = new List<GbmRow>();
        var originPart = new float[features.OriginCount];
        for (var s = 0; s < series.Length; s++)
        {
            var y = series[s];
            var last = y.Length - (2 * h) - calibration[s] + 1;
            var available = last - features.MinOrigin + 1;
            var take = Math.Min(available, perSeries);
            for (var i = 0; i < take; i++)
            {
                // Evenly thinned, always including the most recent origin.
                var origin = last - (int)((long)i * (available - 1) / Math.Max(1, take - 1));
                var (c, sc) = features.Stats(y, origin);
                features.OriginPart(y, origin, c, sc, originPart);
                for (var k = 1; k <= h; k++)
                {
                    var row = new float[features.Count];
                    features.Row(y, origin, k, c, sc, originPart, calendars[s], 0, row);
                    rows.Add(new GbmRow { Label = (float)((y[origin + k - 1] - features.Baseline(y, origin, k)) / sc), Features = row });
                }
            }
        }

        return GbmLearner.Grow(rows, features.Count, new GbmLearnerSettings(o.Trainer, o.Trees, o.Leaves, o.MinRowsPerLeaf, o.LearningRate, o.Threads, o.Seed));
    }

    private ConformalCalibration Calibrate(double[][] series, GbmCalendar[] calendars, int[] calibration, GbmFeatures features, GbmTrees trees)
    {
        var h = Options.Horizon;
        var windows = new List<double[]>();

        var originPart = new float[features.OriginCount];
        var row = new float[features.Count];
        for (var s = 0; s < series.Length; s++)
        {
            var y = series[s];
            for (var origin = y.Length - h - calibration[s] + 1; origin <= y.Length - h; origin++)
            {
                var (c, sc) = features.Stats(y, origin);
                features.OriginPart(y, origin, c, sc, originPart);
                var errors = new double[h];
                for (var k = 1; k <= h; k++)
                {
                    features.Row(y, origin, k, c, sc, originPart, calendars[s], 0, row);
                    errors[k - 1] = (y[origin + k - 1] - (features.Baseline(y, origin, k) + (sc * trees.Score(row)))) / sc;
                }

                windows.Add(errors);
            }
        }

        return ConformalCalibration.FromErrors(windows);
    }
}
