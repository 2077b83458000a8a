namespace Foresight.Forecasting.Tests.Gbm;

/// <summary>Seeded hourly arrival counts: Poisson around a daily × weekday profile (quiet nights and weekends).</summary>
internal static class ArrivalSeries
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero); // a Monday

    /// <summary>Expected arrivals at step t: 2 at night, up to ~62 at the weekday afternoon peak, a fifth of that at weekends.</summary>
    public static double Rate(int t)
    {
        var at = Start.AddHours(t);
        var day = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.2 : 1.0;
        var shape = Math.Max(0, Math.Sin(Math.PI * (at.Hour - 7) / 12));
        return 2 + (60 * day * shape);
    }

    public static double[] Counts(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(t => (double)Poisson(Rate(t), random))];
    }

    public static SeriesHistory History(double[] values) => new(values, [24, 168], Start, TimeSpan.FromHours(1));

    /// <summary>
    /// Walks <paramref name="origins"/> origins, <paramref name="horizon"/> apart, over the end of <paramref name="y"/>:
    /// fitted at the first, refreshed at the others when the model can be; mean absolute error of the model and of the
    /// daily and weekly seasonal naive, and the 95 % interval's coverage.
    /// </summary>
    public static (double Model, double Day, double Week, double Coverage, IFittedForecaster Last) WalkForward(IForecaster forecaster, double[] y, int horizon, int origins)
    {
        double model = 0, day = 0, week = 0;
        int inside = 0, points = 0;
        IFittedForecaster? fitted = null;
        for (var origin = y.Length - (origins * horizon); origin + horizon <= y.Length; origin += horizon)
        {
            var history = History(y[..origin]);
            fitted = fitted is IRefreshableFitted r ? r.Refresh(history) : forecaster.Fit(history);
            var f = fitted.Predict(horizon, [95]);
            for (var k = 1; k <= horizon; k++)
            {
                var actual = y[origin + k - 1];
                model += Math.Abs(actual - f.Mean[k - 1]);
                day += Math.Abs(actual - Backtesting.SeasonalNaiveBaseline.Forecast(y, origin, k, 24));
                week += Math.Abs(actual - Backtesting.SeasonalNaiveBaseline.Forecast(y, origin, k, 168));
                inside += actual >= f.Intervals[0].Lower[k - 1] && actual <= f.Intervals[0].Upper[k - 1] ? 1 : 0;
                points++;
            }
        }

        return (model / points, day / points, week / points, (double)inside / points, fitted!);
    }

    private static int Poisson(double lambda, Random random)
    {
        // Knuth's multiplication method, split into chunks so e^-λ stays representable.
        var count = 0;
        while (lambda > 0)
        {
            var chunk = Math.Min(lambda, 30);
            lambda -= chunk;
            var limit = Math.Exp(-chunk);
            var p = random.NextDouble();
            while (p > limit)
            {
                count++;
                p *= random.NextDouble();
            }
        }

        return count;
    }
}
