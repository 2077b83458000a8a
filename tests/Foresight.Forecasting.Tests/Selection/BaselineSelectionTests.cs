using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Models;
using Foresight.Forecasting.Models.Gbm;
using Foresight.Forecasting.Selection;
using Foresight.Forecasting.Tests.Gbm;

namespace Foresight.Forecasting.Tests.Selection;

public class BaselineSelectionTests
{
    [Fact]
    public void Out_of_sample_seasonal_naive_repeats_the_last_observed_phase()
    {
        var y = Enumerable.Range(0, 30).Select(t => (double)t).ToArray();
        Assert.Equal(20 - 7, SeasonalNaiveBaseline.Forecast(y, 20, 1, 7));
        Assert.Equal(20 + 6 - 7, SeasonalNaiveBaseline.Forecast(y, 20, 7, 7));
        Assert.Equal(20 + 7 - 14, SeasonalNaiveBaseline.Forecast(y, 20, 8, 7));
        Assert.True(double.IsNaN(SeasonalNaiveBaseline.Forecast(y, 5, 1, 7)));
    }

    [Fact]
    public void The_long_seasonal_naive_needs_one_full_week_only()
    {
        var y = Enumerable.Range(0, 24 * 10).Select(t => (double)(t % 168)).ToArray();
        var f = new SeasonalNaiveForecaster(longest: true).Fit(new SeriesHistory(y, [24, 168])).Predict(24, []);
        Assert.Equal(Enumerable.Range(0, 24).Select(k => (double)((y.Length + k) % 168)), f.Mean);
    }

    [Fact]
    public void Auto_falls_back_to_the_better_seasonal_naive_when_nothing_beats_it()
    {
        // An exact weekly pattern with no noise: nothing can beat the weekly seasonal naive.
        var y = Enumerable.Range(0, 24 * 7 * 5).Select(t => (double)((t % 168) < 120 ? 10 + (t % 24) : 3)).ToArray();
        var auto = new AutoSelectForecaster([new SeasonalNaiveForecaster(), new SeasonalNaiveForecaster(longest: true), new NaiveForecaster(), new ThetaForecaster()], null);
        var s = auto.Select(new SeriesHistory(y, [24, 168]), new BacktestOptions(48, 48, 3));
        Assert.Equal("SeasonalNaiveLong", s.Winner);
        Assert.Equal(0, s.Scores["SeasonalNaiveLong"], 9);
    }

    [Fact]
    public void The_baseline_margin_keeps_seasonal_naive_unless_it_is_clearly_beaten()
    {
        var y = ArrivalSeries.Counts(24 * 7 * 7, seed: 11);
        var candidates = new IForecaster[] { new SeasonalNaiveForecaster(), new SeasonalNaiveForecaster(longest: true), new ArrivalGbmForecaster(new ArrivalGbmOptions { Trees = 40 }) };
        var options = new BacktestOptions(48, 48, 3);
        var plain = new AutoSelectForecaster(candidates, null, combinations: false).Select(ArrivalSeries.History(y), options);
        var baselines = Math.Min(plain.Scores["SeasonalNaive"], plain.Scores["SeasonalNaiveLong"]);
        Assert.True(plain.Scores[plain.Winner] <= baselines);

        // A margin larger than any possible gain: the better seasonal naive is chosen.
        var strict = new AutoSelectForecaster(candidates, null, combinations: false, baselineMargin: 1.0).Select(ArrivalSeries.History(y), options);
        Assert.StartsWith("SeasonalNaive", strict.Winner);
        Assert.Equal(baselines, strict.Scores[strict.Winner], 9);
    }
}
