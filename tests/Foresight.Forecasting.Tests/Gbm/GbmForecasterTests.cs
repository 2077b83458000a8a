using Foresight.Forecasting.Models.Gbm;
using Xunit.Abstractions;

namespace Foresight.Forecasting.Tests.Gbm;

public sealed class GbmForecasterTests(ITestOutputHelper output)
{
    private static readonly GbmOptions Small = new() { Trees = 150, Seed = 3 };

    [Fact]
    public void Learns_daily_and_weekly_structure()
    {
        const int horizon = 48;
        var all = GbmSeries.Hourly(24 * 7 * 8, seed: 1);
        var train = all[..^horizon];
        var actual = all[^horizon..];

        var fitted = (GbmFittedForecaster)new GbmForecaster(Small).Fit(GbmSeries.History(train));
        var forecast = fitted.Predict(horizon, [80, 95]);

        var gbm = GbmSeries.Mae(actual, forecast.Mean);
        var naive = GbmSeries.Mae(actual, Enumerable.Repeat(train[^1], horizon).ToArray());
        var weekAgo = GbmSeries.Mae(actual, train[^168..^(168 - horizon)]);
        output.WriteLine($"trainer={fitted.Trainer} mae_gbm={gbm:F3} mae_naive={naive:F3} mae_week_ago={weekAgo:F3}");
        Assert.Contains(fitted.Trainer, new[] { nameof(GbmTrainer.LightGbm), nameof(GbmTrainer.FastTree) });
        Assert.True(gbm < 0.2 * naive, $"GBM MAE {gbm:F2} vs naive {naive:F2}");
        Assert.True(gbm < 3, $"GBM MAE {gbm:F2} should approach the noise level 1");
        Assert.True(gbm < weekAgo + 1, $"GBM MAE {gbm:F2} vs same hour last week {weekAgo:F2}");
        for (var k = 0; k < horizon; k++)
        {
            Assert.True(forecast.Intervals[1].Lower[k] <= forecast.Intervals[0].Lower[k]);
            Assert.True(forecast.Intervals[0].Lower[k] <= forecast.Mean[k] && forecast.Mean[k] <= forecast.Intervals[0].Upper[k]);
            Assert.True(forecast.Intervals[0].Upper[k] <= forecast.Intervals[1].Upper[k]);
        }
    }

    [Fact]
    public void Uses_the_holiday_flag()
    {
        // A holiday every other Wednesday in history, and on the first forecast day (a Wednesday).
        var holidays = Enumerable.Range(0, 11).Select(w => DateOnly.FromDateTime(GbmSeries.Start.AddDays(2 + (14 * w)).DateTime)).ToHashSet();
        const int origin = (24 * 7 * 22) + (24 * 2);
        Assert.Equal(DayOfWeek.Wednesday, GbmSeries.Start.AddHours(origin).DayOfWeek);
        holidays.Add(DateOnly.FromDateTime(GbmSeries.Start.AddHours(origin).DateTime));
        var all = GbmSeries.Hourly(origin + 48, seed: 2, holidays: holidays);

        var forecast = new GbmForecaster(Small).Fit(GbmSeries.History(all[..origin], [.. holidays])).Predict(48, []);

        var holidayDay = forecast.Mean[..24].Average();
        var nextDay = forecast.Mean[24..].Average();
        Assert.True(holidayDay < 0.6 * nextDay, $"holiday mean {holidayDay:F1} vs next day {nextDay:F1}");
    }

    [Fact]
    public void Global_fit_serves_each_series_at_its_own_scale()
    {
        var small = GbmSeries.Hourly(24 * 7 * 6, seed: 4, level: 10, noise: 0.1);
        var large = GbmSeries.Hourly(24 * 7 * 6, seed: 5, level: 10_000, noise: 100);
        IGlobalForecaster global = new GbmForecaster(Small);
        var fitted = global.FitMany([GbmSeries.History(small[..^24]), GbmSeries.History(large[..^24])]);

        Assert.Equal(2, fitted.Count);
        Assert.True(GbmSeries.Mae(small[^24..], fitted[0].Predict(24, []).Mean) < 0.5);
        Assert.True(GbmSeries.Mae(large[^24..], fitted[1].Predict(24, []).Mean) < 500);
    }

    [Fact]
    public void Same_seed_gives_the_same_forecast_and_long_horizons_stay_finite()
    {
        var history = GbmSeries.History(GbmSeries.Hourly(24 * 7 * 4, seed: 6));
        var a = new GbmForecaster(Small with { Trees = 40 }).Fit(history).Predict(100, [95]);
        var b = new GbmForecaster(Small with { Trees = 40 }).Fit(history).Predict(100, [95]);
        Assert.Equal(a.Mean, b.Mean);
        Assert.All(a.Mean, v => Assert.True(double.IsFinite(v)));
        Assert.All(a.Intervals[0].Upper, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void FastTree_learner_gives_a_usable_model_too()
    {
        var all = GbmSeries.Hourly(24 * 7 * 6, seed: 8);
        var fitted = (GbmFittedForecaster)new GbmForecaster(Small with { Trainer = GbmTrainer.FastTree, Trees = 30 }).Fit(GbmSeries.History(all[..^24]));
        Assert.Equal(nameof(GbmTrainer.FastTree), fitted.Trainer);
        Assert.True(GbmSeries.Mae(all[^24..], fitted.Predict(24, []).Mean) < 5);
    }

    [Fact]
    public void Bad_input_gets_a_clear_error()
    {
        var forecaster = new GbmForecaster(Small);
        var tooShort = Assert.ThrowsAny<ArgumentException>(() => forecaster.Fit(GbmSeries.History(GbmSeries.Hourly(100, 1))));
        Assert.Contains("needs at least", tooShort.Message, StringComparison.Ordinal);

        var withInfinity = GbmSeries.Hourly(24 * 7 * 4, 1);
        withInfinity[200] = double.PositiveInfinity;
        var infinite = Assert.ThrowsAny<ArgumentException>(() => forecaster.Fit(GbmSeries.History(withInfinity)));
        Assert.Contains("non-finite", infinite.Message, StringComparison.Ordinal);

        var withNaN = GbmSeries.Hourly(24 * 7 * 4, 1);
        withNaN[^1] = double.NaN;
        Assert.ThrowsAny<ArgumentException>(() => forecaster.Fit(GbmSeries.History(withNaN)));
        Assert.ThrowsAny<ArgumentException>(() => forecaster.Fit(GbmSeries.History([])));
        Assert.ThrowsAny<ArgumentException>(() => forecaster.FitMany([]));
    }
}
