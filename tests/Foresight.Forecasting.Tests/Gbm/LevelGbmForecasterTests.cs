using Foresight.Forecasting.Models.Gbm;
using Xunit.Abstractions;

namespace Foresight.Forecasting.Tests.Gbm;

public sealed class LevelGbmForecasterTests(ITestOutputHelper output)
{
    private static readonly LevelGbmOptions Small = new() { Trees = 80, Seed = 3 };

    /// <summary>Hourly load around a daily profile, with short bursts (+60) at random hours on 4 % of the steps.</summary>
    private static double[] Spiky(int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, length).Select(t => 10 + (3 * Math.Sin(2 * Math.PI * (t % 24) / 24)) + random.NextDouble() + (random.NextDouble() < 0.04 ? 60 : 0))];
    }

    [Fact]
    public void Forecasts_the_median_where_seasonal_naive_copies_bursts()
    {
        var y = Spiky(24 * 7 * 6, seed: 1);
        var (model, day, week, _, fitted) = ArrivalSeries.WalkForward(new LevelGbmForecaster(Small), y, horizon: 48, origins: 6);
        output.WriteLine($"mae model={model:F3} day={day:F3} week={week:F3}");
        Assert.IsType<LevelGbmFitted>(fitted);
        Assert.True(model < 0.8 * Math.Min(day, week), $"GBM-median {model:F2} vs seasonal naive day {day:F2}, week {week:F2}");
    }

    [Fact]
    public void A_level_shift_moves_the_forecast_at_once()
    {
        // Three weeks at a level of 100, then the load drops to 10 for the last 12 hours (as after a scale-in).
        var y = Spiky(24 * 21, seed: 2).Select(v => Math.Min(v, 20) + 90).ToArray();
        for (var t = y.Length - 12; t < y.Length; t++)
        {
            y[t] -= 90;
        }

        var f = new LevelGbmForecaster(Small).Fit(ArrivalSeries.History(y)).Predict(24, []).Mean;
        output.WriteLine($"forecast mean {f.Average():F1}");
        Assert.All(f, v => Assert.InRange(v, 0, 30));
    }

    [Fact]
    public void Refresh_with_the_fitted_history_reproduces_the_forecast_and_keeps_the_calendar()
    {
        var y = Spiky(24 * 7 * 4, seed: 5);
        var fitted = (LevelGbmFitted)new LevelGbmForecaster(Small).Fit(ArrivalSeries.History(y));
        Assert.Equal(fitted.Predict(48, [95]).Mean, fitted.Refresh(ArrivalSeries.History(y)).Predict(48, [95]).Mean);

        // A window that starts a week later: same forecast from the same last values.
        var later = new SeriesHistory(y[168..], [24, 168], ArrivalSeries.Start.AddHours(168), TimeSpan.FromHours(1));
        Assert.Equal(fitted.Predict(48, []).Mean, fitted.Refresh(later).Predict(48, []).Mean);
        Assert.Throws<ArgumentException>(() => fitted.Refresh(ArrivalSeries.History(y[..100])));
    }

    [Fact]
    public void The_forecast_from_an_origin_ignores_the_values_after_it()
    {
        var y = Spiky(24 * 7 * 4, seed: 6);
        var origin = y.Length - 48;
        var changed = (double[])y.Clone();
        for (var t = origin; t < y.Length; t++)
        {
            changed[t] = 1000;
        }

        var forecaster = new LevelGbmForecaster(Small);
        Assert.Equal(
            forecaster.Fit(ArrivalSeries.History(y[..origin])).Predict(48, [95]).Mean,
            forecaster.Fit(ArrivalSeries.History(changed[..origin])).Predict(48, [95]).Mean);
    }

    [Fact]
    public void Intervals_are_non_negative_and_widen_with_the_level()
    {
        var y = Spiky(24 * 7 * 4, seed: 7);
        var f = new LevelGbmForecaster(Small).Fit(ArrivalSeries.History(y)).Predict(48, [80, 95]);
        Assert.Equal(2, f.Intervals.Count);
        for (var k = 0; k < 48; k++)
        {
            Assert.True(f.Intervals[0].Lower[k] >= 0 && f.Intervals[0].Lower[k] <= f.Mean[k] && f.Mean[k] <= f.Intervals[0].Upper[k]);
            Assert.True(f.Intervals[1].Upper[k] - f.Intervals[1].Lower[k] >= f.Intervals[0].Upper[k] - f.Intervals[0].Lower[k]);
        }
    }

    [Fact]
    public void Short_history_falls_back_to_seasonal_naive()
    {
        var y = Spiky(24 * 5, seed: 8);
        var fitted = new LevelGbmForecaster(Small).Fit(ArrivalSeries.History(y));
        Assert.Equal("SeasonalNaive", fitted.Name);
    }

    [Fact]
    public void The_level_span_is_long_on_bursts_around_a_steady_level_and_short_when_the_level_moves()
    {
        // Five weeks hourly. Bursty: a base of 0.1 with bursts of 2-8 hours at +50 on about a third of the hours, so the
        // median of the last three hours often sits on a burst. Shifting: a level redrawn in 10..100 every 30 hours.
        var random = new Random(11);
        var bursty = new double[24 * 35];
        for (var t = 0; t < bursty.Length;)
        {
            var quiet = random.Next(4, 16);
            for (var i = 0; i < quiet && t < bursty.Length; i++, t++)
            {
                bursty[t] = 0.1 + (0.01 * random.NextDouble());
            }

            var burst = random.Next(2, 9);
            for (var i = 0; i < burst && t < bursty.Length; i++, t++)
            {
                bursty[t] = 50 + random.NextDouble();
            }
        }

        var level = 50.0;
        var shifting = Enumerable.Range(0, 24 * 35).Select(t => (t % 30 == 0 ? level = 10 + (90 * random.NextDouble()) : level) + random.NextDouble()).ToArray();
        var forecaster = new LevelGbmForecaster(Small);
        int Span(double[] y)
        {
            var layout = forecaster.Layout(y.Length, [24, 168])!;
            return LevelGbmForecaster.ChooseSpan(y, layout, layout.MinOrigin, [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 40, 48]);
        }

        Assert.Equal(24, Span(bursty));
        Assert.Equal(3, Span(shifting));

        // The forecast of the bursty series from its last origin then stays near the base more often than on a burst.
        var f = forecaster.Fit(ArrivalSeries.History(bursty)).Predict(48, []).Mean;
        output.WriteLine($"bursty forecast: median {f.Order().ElementAt(24):F2}, mean {f.Average():F2}");
        Assert.True(f.Count(v => v < 25) > 24, $"{f.Count(v => v < 25)} of 48 steps below 25");
    }

    [Fact]
    public void The_horizon_bands_partition_the_trained_steps()
    {
        Assert.Equal([[1, 2, 3], [4, 6, 8, 12], [16, 24, 32, 40, 48]], LevelGbmForecaster.Bands(new LevelGbmOptions()));
        Assert.Equal([[1, 2, 3], [4, 6, 8, 10]], LevelGbmForecaster.Bands(new LevelGbmOptions { Horizon = 10 }));
        Assert.Equal([[1, 2, 3, 4, 6, 8, 12, 16, 24]], LevelGbmForecaster.Bands(new LevelGbmOptions { Horizon = 24, BandEnds = [] }));
    }
}
