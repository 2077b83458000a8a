using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Intervals;
using Foresight.Forecasting.Models;
using Foresight.Forecasting.Selection;

namespace Foresight.Forecasting.Tests.Selection;

public class OnlineCombinationTests
{
    [Fact]
    public void The_model_hands_over_to_the_naive_that_has_been_beating_it_and_gets_the_step_back()
    {
        var c = new OnlineCombination(members: 2, horizon: 1, window: 20, minPool: 1);
        Assert.Equal([1.0, 0], c.Weights(0, [true, true])); // the model alone before any outcome
        for (int i = 0; i < 20; i++)
        {
            c.Observe(0, [3, 1]);
        }

        Assert.Equal([0.0, 1], c.Weights(0, [true, true]));
        for (int i = 0; i < 20; i++)
        {
            c.Observe(0, [0.5, 2]);
        }

        Assert.Equal([1.0, 0], c.Weights(0, [true, true]));
    }

    [Fact]
    public void The_mean_of_model_and_naive_wins_when_their_errors_cancel()
    {
        var c = new OnlineCombination(members: 3, horizon: 2, minPool: 1);
        for (int i = 0; i < 10; i++)
        {
            c.Observe(0, [2, -2, 5]);
            c.Observe(1, [2, -2, 5]);
        }

        Assert.Equal([0.5, 0.5, 0], c.Weights(0, [true, true, true]));
        Assert.Equal([1.0, 0, 0], c.Weights(0, [true, false, true])); // the daily naive has no forecast: the model alone is next best
        Assert.Equal([3.0, 3.0], c.Combine([[2.0, 2.0], [4.0, 4.0], [double.NaN, 9]]));
        Assert.Equal([2.0], c.Combine([[2.0], [double.NaN], [9.0]]));
        Assert.Throws<ArgumentException>(() => c.Combine([[1.0]]));
    }

    [Fact]
    public void Walk_forward_forecast_moves_to_the_weekly_naive_when_the_chosen_model_keeps_losing_to_it()
    {
        // An exact weekly cycle (24 × 7): the "model" forecasts a flat line, the weekly naive is perfect.
        int daily = 24, weekly = 168, n = weekly * 4;
        var y = Enumerable.Range(0, n).Select(t => (double)((t % weekly) < 120 ? 10 + (t % daily) : 2)).ToArray();
        int trainEnd = weekly * 2;
        var window = new BacktestWindow(trainEnd - 48, y[(trainEnd - 48)..trainEnd], new ForecastResult(Enumerable.Repeat(8.0, 48).ToArray(), []), 1);
        var selection = new SelectionResult("Flat", new NaiveForecaster(), new Dictionary<string, double> { ["Flat"] = 1 }, ConformalCalibration.FromErrors([new double[48]]), true, [new BacktestResult("Flat", [window])]);
        var walk = WalkForwardForecast.Start(selection, y, 0, daily, weekly, 48, online: true, combine: true, floor: 0);
        double lastError = double.NaN;
        for (int origin = trainEnd; origin + 48 <= n; origin += 12)
        {
            walk.ObserveUpTo(origin);
            var flat = Enumerable.Repeat(8.0, 48).ToArray();
            var (mean, band) = walk.Forecast(origin, flat, new PredictionInterval(95, flat, flat));
            lastError = Enumerable.Range(0, 48).Average(k => Math.Abs(y[origin + k] - mean[k]));
            Assert.All(band.Lower, v => Assert.True(v >= 0));
        }

        double flatError = Enumerable.Range(n - 48, 48).Average(t => Math.Abs(y[t] - 8));
        Assert.True(lastError < 0.01 * flatError, $"combined {lastError:F4} vs model alone {flatError:F4}");
    }

    [Fact]
    public void Another_option_takes_the_step_only_when_its_error_is_lower_by_more_than_the_margin()
    {
        var c = new OnlineCombination(members: 2, horizon: 1, window: 20, minPool: 1, margin: 0.1);
        for (int i = 0; i < 20; i++)
        {
            c.Observe(0, [1.0, 0.95]); // the naive 5 % better: within the margin
        }

        Assert.Equal([1.0, 0], c.Weights(0, [true, true]));
        for (int i = 0; i < 20; i++)
        {
            c.Observe(0, [1.0, 0.8]); // 20 % better: beyond it
        }

        Assert.Equal([0.0, 1], c.Weights(0, [true, true]));
        Assert.Equal([0.0, 1], c.Weights(0, [false, true])); // no model forecast: the best available option
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineCombination(2, 1, margin: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnlineCombination(2, 1, margin: -0.1));
    }

    [Fact]
    public void Walk_forward_forecast_hands_a_spiky_series_to_the_recent_median_when_the_model_chases_the_spikes()
    {
        // Mostly 1 with a spike of 100 at random times (never at the same phase twice in a row); the "model" copies the
        // value a day ago, so it forecasts spikes that do not come back. The median of the last day is 1.
        int daily = 24, weekly = 168, n = weekly * 4;
        var random = new Random(5);
        var y = Enumerable.Range(0, n).Select(_ => random.NextDouble() < 0.1 ? 100.0 : 1.0).ToArray();
        double[] DayAgo(int origin) => [.. Enumerable.Range(0, 48).Select(k => y[origin + k - (daily * ((k + daily) / daily))])];
        int trainEnd = weekly * 2;
        var windows = Enumerable.Range(0, 12).Select(i => trainEnd - 48 - (i * 12)).Reverse()
            .Select(o => new BacktestWindow(o, y[o..(o + 48)], new ForecastResult(DayAgo(o), []), 1)).ToList();
        var selection = new SelectionResult("DayAgo", new NaiveForecaster(), new Dictionary<string, double> { ["DayAgo"] = 1 }, ConformalCalibration.FromErrors([new double[48]]), true, [new BacktestResult("DayAgo", windows)]);
        var walk = WalkForwardForecast.Start(selection, y, 0, daily, weekly, 48, online: true, combine: true, floor: 0);
        double combined = 0, alone = 0;
        int count = 0;
        for (int origin = trainEnd; origin + 48 <= n; origin += 12)
        {
            walk.ObserveUpTo(origin);
            var model = DayAgo(origin);
            var (mean, _) = walk.Forecast(origin, model, new PredictionInterval(95, model, model));
            combined += Enumerable.Range(0, 48).Sum(k => Math.Abs(y[origin + k] - mean[k]));
            alone += Enumerable.Range(0, 48).Sum(k => Math.Abs(y[origin + k] - model[k]));
            count++;
            Assert.All(mean[24..], m => Assert.Equal(1.0, m)); // the recent median, flat
        }

        Assert.True(combined < 0.6 * alone, $"combined {combined / count:F2} vs model alone {alone / count:F2} per origin");
    }

    [Fact]
    public void Walk_forward_intervals_of_counts_shorter_than_a_day_widen_with_the_level_and_cover_after_it_doubles()
    {
        // 5-minute counts (a day is 288 steps) over 1.5 days, no earlier day at the first origin: level 50 with a spread
        // of 30 % until step 140, then 110 with the same relative spread. The "model" forecasts the mean of the last hour.
        int daily = 288, weekly = 2016, n = 432, trainEnd = 150, horizon = 48;
        var rng = new Random(11);
        var y = Enumerable.Range(0, n).Select(t => Math.Max(0, Math.Round((t < 140 ? 50 : 110) * (1 + (0.3 * Synthetic.Gaussian(rng)))))).ToArray();
        double[] LastHour(int origin, int h) => [.. Enumerable.Repeat(y[(origin - 12)..origin].Average(), h)];
        var windows = Enumerable.Range(0, 5).Select(i => trainEnd - 35 - (i * 12)).Reverse()
            .Select(o => new BacktestWindow(o, y[o..(o + 35)], new ForecastResult(LastHour(o, 35), []), 1)).ToList();
        var selection = new SelectionResult("LastHour", new NaiveForecaster(), new Dictionary<string, double> { ["LastHour"] = 1 }, ConformalCalibration.FromErrors([new double[horizon]]), true, [new BacktestResult("LastHour", windows)]);
        var walk = WalkForwardForecast.Start(selection, y, 0, daily, weekly, horizon, online: true, combine: false, floor: 0);

        // The width is proportional to the forecast level: the same walk state, forecasts of 50 and 110.
        var probe = WalkForwardForecast.Start(selection, y, 0, daily, weekly, horizon, online: true, combine: false, floor: 0);
        var low = probe.Forecast(trainEnd, Enumerable.Repeat(50.0, horizon).ToArray(), new PredictionInterval(95, new double[horizon], new double[horizon])).Band;
        var high = probe.Forecast(trainEnd, Enumerable.Repeat(110.0, horizon).ToArray(), new PredictionInterval(95, new double[horizon], new double[horizon])).Band;
        Assert.Equal(110.0 / 50, (high.Upper[0] - 110) / (low.Upper[0] - 50), 9);

        int inside = 0, total = 0;
        for (int origin = trainEnd; origin + horizon <= n; origin += 12)
        {
            walk.ObserveUpTo(origin);
            var model = LastHour(origin, horizon);
            var (_, band) = walk.Forecast(origin, model, new PredictionInterval(95, model, model));
            for (int k = 0; k < horizon; k++)
            {
                inside += y[origin + k] >= band.Lower[k] && y[origin + k] <= band.Upper[k] ? 1 : 0;
                total++;
            }
        }

        Assert.InRange((double)inside / total, 0.9, 0.99);
    }

    [Fact]
    public void Walk_forward_intervals_of_a_series_with_earlier_days_do_not_depend_on_the_forecast_level()
    {
        var (y, daily, weekly, trainEnd, selection) = HourlySeasonalSelection();
        var walk = WalkForwardForecast.Start(selection, y, 0, daily, weekly, 48, online: true, combine: false, floor: 0);
        var none = new PredictionInterval(95, new double[48], new double[48]);
        var low = walk.Forecast(trainEnd, Enumerable.Repeat(50.0, 48).ToArray(), none).Band;
        var high = walk.Forecast(trainEnd, Enumerable.Repeat(110.0, 48).ToArray(), none).Band;
        Assert.Equal(low.Upper[0] - 50, high.Upper[0] - 110, 9);
    }

    [Fact]
    public void Walk_forward_forecast_never_reads_values_at_or_after_the_origin()
    {
        var (y, daily, weekly, trainEnd, selection) = HourlySeasonalSelection();
        var full = WalkForwardForecast.Start(selection, y, 0, daily, weekly, 48, true, true);
        int origin = trainEnd + 60;
        var hidden = y.Select((v, t) => t >= origin ? double.NaN : v).ToArray();
        var blind = WalkForwardForecast.Start(selection, hidden, 0, daily, weekly, 48, true, true);
        var model = y[(origin - 48)..origin];
        var band = new PredictionInterval(95, model, model);
        foreach (var (walk, o) in new[] { (full, trainEnd), (blind, trainEnd) })
        {
            walk.ObserveUpTo(o);
            walk.Forecast(o, model, band);
        }

        full.ObserveUpTo(origin);
        blind.ObserveUpTo(origin);
        var a = full.Forecast(origin, model, band);
        var b = blind.Forecast(origin, model, band);
        Assert.Equal(a.Mean, b.Mean);
        Assert.Equal(a.Band.Upper, b.Band.Upper);
    }

    /// <summary>Three weeks of hourly daily + weekly seasonal data and a selection whose one backtest window (the last 48 hours of two weeks) forecast the day before.</summary>
    private static (double[] Y, int Daily, int Weekly, int TrainEnd, SelectionResult Selection) HourlySeasonalSelection()
    {
        int daily = 24, weekly = 168, n = weekly * 3;
        var y = Synthetic.Seasonal(n, daily, 50, 10, 2, seed: 9, weekly: weekly, weeklyAmplitude: 5);
        int trainEnd = weekly * 2;
        var bt = new BacktestResult("M", [new BacktestWindow(trainEnd - 48, y[(trainEnd - 48)..trainEnd], new ForecastResult(y[(trainEnd - 72)..(trainEnd - 24)], []), 1)]);
        return (y, daily, weekly, trainEnd, new SelectionResult("M", new NaiveForecaster(), new Dictionary<string, double> { ["M"] = 1 }, ConformalCalibration.FromErrors([new double[48]]), true, [bt]));
    }
}
