using Foresight.Forecasting.Models.Gbm;
using Xunit.Abstractions;

namespace Foresight.Forecasting.Tests.Gbm;

public sealed class ArrivalGbmForecasterTests(ITestOutputHelper output)
{
    private static readonly ArrivalGbmOptions Small = new() { Trees = 60, Seed = 3 };

    [Fact]
    public void Beats_both_seasonal_naives_on_poisson_arrivals_and_covers_95_percent()
    {
        var y = ArrivalSeries.Counts(24 * 7 * 9, seed: 1);
        var (model, day, week, coverage, fitted) = ArrivalSeries.WalkForward(new ArrivalGbmForecaster(Small), y, horizon: 48, origins: 6);
        output.WriteLine($"mae model={model:F3} day={day:F3} week={week:F3} coverage95={coverage:F3}");
        Assert.IsType<ArrivalGbmFitted>(fitted);
        Assert.True(model < 0.9 * Math.Min(day, week), $"GBM {model:F2} vs seasonal naive day {day:F2}, week {week:F2}");
        Assert.InRange(coverage, 0.88, 1.0);
    }

    [Fact]
    public void Interval_width_grows_with_the_predicted_level_and_stays_non_negative()
    {
        var y = ArrivalSeries.Counts(24 * 7 * 8, seed: 2);
        var f = new ArrivalGbmForecaster(Small).Fit(ArrivalSeries.History(y)).Predict(24, [95]);
        var band = f.Intervals[0];
        var quiet = Enumerable.Range(0, 24).MinBy(k => f.Mean[k]);
        var busy = Enumerable.Range(0, 24).MaxBy(k => f.Mean[k]);
        output.WriteLine($"quiet {f.Mean[quiet]:F1} [{band.Lower[quiet]:F1}, {band.Upper[quiet]:F1}], busy {f.Mean[busy]:F1} [{band.Lower[busy]:F1}, {band.Upper[busy]:F1}]");
        Assert.True(band.Upper[busy] - band.Lower[busy] > 2 * (band.Upper[quiet] - band.Lower[quiet]));
        Assert.All(band.Lower, v => Assert.True(v >= 0));
        Assert.All(f.Mean, v => Assert.True(v >= 0));
    }

    [Fact]
    public void A_burst_yesterday_does_not_inflate_todays_forecast()
    {
        var y = ArrivalSeries.Counts(24 * 7 * 8, seed: 4);
        var burst = (double[])y.Clone();
        var at = y.Length - 24 + 10; // yesterday 10:00–12:00 (the series ends at midnight)
        for (var i = at; i < at + 3; i++)
        {
            burst[i] = 10 * (y[i] + 5);
        }

        var forecaster = new ArrivalGbmForecaster(Small);
        var plain = forecaster.Fit(ArrivalSeries.History(y)).Predict(24, []).Mean;
        var after = forecaster.Fit(ArrivalSeries.History(burst)).Predict(24, []).Mean;
        for (var k = 10; k < 13; k++)
        {
            Assert.True(after[k] < 1.3 * plain[k] + 2, $"hour {k}: {after[k]:F1} after the burst vs {plain[k]:F1}");
        }
    }

    [Fact]
    public void Refresh_with_the_fitted_history_reproduces_the_forecast()
    {
        var y = ArrivalSeries.Counts(24 * 7 * 6, seed: 5);
        var fitted = (ArrivalGbmFitted)new ArrivalGbmForecaster(Small).Fit(ArrivalSeries.History(y));
        var again = fitted.Refresh(ArrivalSeries.History(y));
        Assert.Equal(fitted.Predict(48, [95]).Mean, again.Predict(48, [95]).Mean);

        // A window that starts a week later keeps the calendar: same forecast from the same last values.
        var later = new SeriesHistory(y[168..], [24, 168], ArrivalSeries.Start.AddHours(168), TimeSpan.FromHours(1));
        Assert.Equal(fitted.Predict(48, []).Mean, fitted.Refresh(later).Predict(48, []).Mean);
    }

    [Fact]
    public void Short_history_falls_back_to_seasonal_naive()
    {
        var y = ArrivalSeries.Counts(24 * 5, seed: 6);
        var fitted = new ArrivalGbmForecaster(Small).Fit(ArrivalSeries.History(y));
        Assert.Equal("SeasonalNaive", fitted.Name);
        Assert.Equal(y[^24..], fitted.Predict(24, []).Mean);
    }

    [Fact]
    public void Fits_a_long_history_on_its_recent_window()
    {
        var y = ArrivalSeries.Counts(50_000, seed: 7);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var f = new ArrivalGbmForecaster().Fit(ArrivalSeries.History(y)).Predict(48, [95]);
        output.WriteLine($"50,000 hourly points fitted in {watch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(48, f.Mean.Length);

        // The cost does not grow with the history: the fit reads its recent window, so the last 40 weeks alone (with
        // their own start time) give the same forecast up to the subsampling of rows (deterministic, seeded). Wall time
        // is printed, not asserted: it measures the machine's load as much as the model (`evaluate series` measures
        // the time per series).
        var tail = 168 * 40;
        var recent = new SeriesHistory(y[^tail..], [24, 168], ArrivalSeries.Start.AddHours(y.Length - tail), TimeSpan.FromHours(1));
        var g = new ArrivalGbmForecaster().Fit(recent).Predict(48, [95]);
        var level = f.Mean.Average();
        var largest = f.Mean.Zip(g.Mean, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest < 0.05 * level, $"forecasts from the whole history and from its last 40 weeks differ by up to {largest:F2} (level {level:F1})");
    }
}
