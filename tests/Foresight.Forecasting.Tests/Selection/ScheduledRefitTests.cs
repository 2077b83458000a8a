using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Models;
using Foresight.Forecasting.Selection;

namespace Foresight.Forecasting.Tests.Selection;

public sealed class ScheduledRefitTests
{
    private const int Daily = 24;
    private const int Weekly = 168;
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Fits_every_refit_period_refreshes_in_between_and_sees_only_values_before_each_origin()
    {
        var y = Synthetic.Seasonal(Weekly * 4, Daily, 50, 10, 2, seed: 4);
        var log = new List<(string Kind, int Origin, long LastIndex)>();
        var probe = new ProbeForecaster(log);
        var schedule = new ScheduledRefit(probe, refitEvery: Daily);
        var origins = new List<int>();
        for (int origin = Weekly * 2; origin < y.Length; origin += 6)
        {
            probe.Origin = origin;
            schedule.At(origin, History(y, origin - Weekly, origin));
            origins.Add(origin);
        }

        Assert.Equal(origins.Count, log.Count);
        Assert.All(log, call => Assert.Equal(call.Origin - 1, call.LastIndex));
        Assert.Equal(origins.Where(o => (o - (Weekly * 2)) % Daily == 0), log.Where(c => c.Kind == "fit").Select(c => c.Origin));
        Assert.Equal(log.Count(c => c.Kind == "fit"), schedule.Fits);
        Assert.Equal(log.Count(c => c.Kind == "refresh"), schedule.Refreshes);
        Assert.True(schedule.Refreshes > schedule.Fits);
    }

    [Fact]
    public void A_model_that_cannot_be_refreshed_is_refitted_at_every_origin()
    {
        var y = Synthetic.Seasonal(Weekly * 3, Daily, 50, 10, 2, seed: 5);
        var schedule = new ScheduledRefit(new NaiveForecaster(), refitEvery: Weekly);
        for (int origin = Weekly * 2; origin < y.Length; origin += 12)
        {
            schedule.At(origin, History(y, 0, origin));
        }

        Assert.Equal(0, schedule.Refreshes);
        Assert.Equal(Weekly / 12, schedule.Fits);
    }

    [Theory]
    [InlineData("AutoARIMA")]
    [InlineData("ETS")]
    [InlineData("Theta")]
    [InlineData("MSTL")]
    public void Refreshing_on_the_fitted_history_gives_the_fitted_forecast_and_follows_a_level_shift(string model)
    {
        IForecaster forecaster = model switch
        {
            "AutoARIMA" => new AutoArimaForecaster(),
            "ETS" => new EtsForecaster(),
            "Theta" => new ThetaForecaster(),
            _ => new MstlForecaster(),
        };
        // Season plus a random-walk level, so every model's level adapts to new data.
        var y = Synthetic.Seasonal(Weekly * 3, Daily, 50, 10, 0.5, seed: 6, weekly: Weekly, weeklyAmplitude: 3);
        var walk = Synthetic.Ar1(y.Length, 0, 0.5, seed: 16);
        for (int t = 1; t < y.Length; t++)
        {
            walk[t] += walk[t - 1];
        }

        for (int t = 0; t < y.Length; t++)
        {
            y[t] += walk[t];
        }

        int fitEnd = Weekly * 2;
        for (int t = fitEnd; t < y.Length; t++)
        {
            y[t] += 30;
        }

        var fitted = Assert.IsAssignableFrom<IRefreshableFitted>(forecaster.Fit(History(y, 0, fitEnd)));
        Assert.True(fitted.CanRefresh);
        var same = fitted.Refresh(History(y, 0, fitEnd));
        Close(fitted.Predict(48, [95]).Mean, same.Predict(48, [95]).Mean);

        int origin = fitEnd + Daily;
        var stale = fitted.Predict(Daily + 48, [])
            .Mean[Daily..];
        var refreshed = fitted.Refresh(History(y, 0, origin)).Predict(48, []).Mean;
        double actual = y[origin..(origin + 48)].Average();
        Assert.True(Math.Abs(refreshed.Average() - actual) < 0.8 * Math.Abs(stale.Average() - actual), $"{model}: refreshed {refreshed.Average():F1}, stale {stale.Average():F1}, actual {actual:F1}");
    }

    [Fact]
    public void Refreshing_continues_the_recursions_so_one_long_refresh_equals_two_short_ones()
    {
        var y = Synthetic.Seasonal(Weekly * 3, Daily, 50, 10, 2, seed: 7);
        int fitEnd = Weekly * 2;
        var fitted = (IRefreshableFitted)new EtsForecaster().Fit(History(y, 0, fitEnd));
        var direct = fitted.Refresh(History(y, 0, fitEnd + 48));
        var twice = ((IRefreshableFitted)fitted.Refresh(History(y, 0, fitEnd + 20))).Refresh(History(y, 0, fitEnd + 48));
        Close(direct.Predict(24, []).Mean, twice.Predict(24, []).Mean);

        // A sliding window (the start moves too) continues from the fitted end as well.
        var slid = fitted.Refresh(History(y, 48, fitEnd + 48));
        Close(direct.Predict(24, []).Mean, slid.Predict(24, []).Mean);
    }

    [Fact]
    public void Refreshed_ensembles_stay_close_to_a_full_refit()
    {
        var y = Synthetic.Seasonal(Weekly * 3, Daily, 50, 10, 2, seed: 8, weekly: Weekly, weeklyAmplitude: 4);
        IForecaster[] members = [new SeasonalNaiveForecaster(), new EtsForecaster(), new AutoArimaForecaster(), new ThetaForecaster()];
        var options = new BacktestOptions(24, 24, 3);
        foreach (var ensemble in new IForecaster[] { new MedianEnsembleForecaster(members), new WeightedEnsembleForecaster(members, options) })
        {
            var fitted = Assert.IsAssignableFrom<IRefreshableFitted>(ensemble.Fit(History(y, 0, Weekly * 2)));
            var later = History(y, 0, (Weekly * 2) + Daily);
            var refreshed = fitted.Refresh(later).Predict(48, []).Mean;
            var refit = ensemble.Fit(later).Predict(48, []).Mean;
            double gap = refreshed.Zip(refit).Average(p => Math.Abs(p.First - p.Second));
            Assert.True(gap < 1.0, $"{ensemble.Name}: mean |refreshed − refit| {gap:F3} (amplitude 10, noise 2)");
        }
    }

    private static void Close(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 9);
        }
    }

    private static SeriesHistory History(double[] y, int from, int to) =>
        new(y[from..to], [Daily, Weekly], Start + TimeSpan.FromHours(from), TimeSpan.FromHours(1));

    /// <summary>Records, per fit or refresh, the origin it was called for and the index of the last value it was given.</summary>
    private sealed class ProbeForecaster(List<(string Kind, int Origin, long LastIndex)> log) : IForecaster
    {
        public int Origin { get; set; }

        public string Name => "Probe";

        public IFittedForecaster Fit(SeriesHistory history)
        {
            log.Add(("fit", Origin, LastIndex(history)));
            return new Fitted(this);
        }

        private static long LastIndex(SeriesHistory h) => (long)((h.Start - Start) / h.Frequency) + h.Values.Count - 1;

        private sealed class Fitted(ProbeForecaster owner) : IRefreshableFitted
        {
            public string Name => "Probe";

            public ForecastResult Predict(int horizon, IReadOnlyList<double> levels) => new(new double[horizon], []);

            public IFittedForecaster Refresh(SeriesHistory history)
            {
                owner.Log.Add(("refresh", owner.Origin, LastIndex(history)));
                return this;
            }
        }

        private List<(string Kind, int Origin, long LastIndex)> Log => log;
    }
}
