using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Models;
using Foresight.Forecasting.Selection;

namespace Foresight.Forecasting.Tests.Selection;

public class SelectionTests
{
    [Fact]
    public void RollingOriginPlacesWindowsAtTheEnd()
    {
        var y = Enumerable.Range(0, 100).Select(t => (double)t).ToArray();
        var r = RollingOriginBacktest.Run(new NaiveForecaster(), new SeriesHistory(y, []), new BacktestOptions(10, 5, 3));
        Assert.Equal([80, 85, 90], r.Windows.Select(w => w.Origin));
        Assert.Equal(Enumerable.Range(90, 10).Select(v => (double)v), r.Windows[^1].Actual);
        Assert.All(r.Windows[^1].Forecast.Mean, v => Assert.Equal(89, v));
    }

    [Fact]
    public void SelectionPrefersTheSeasonalModelOnSeasonalData()
    {
        var y = Synthetic.Seasonal(24 * 10, 24, 100, 30, 1, seed: 14);
        var auto = new AutoSelectForecaster([new NaiveForecaster(), new SeasonalNaiveForecaster()], new BacktestOptions(24, 24, 3), combinations: false);
        var s = auto.Select(new SeriesHistory(y, [24]), new BacktestOptions(24, 24, 3));
        Assert.Equal("SeasonalNaive", s.Winner);
        Assert.True(s.Scores["SeasonalNaive"] < s.Scores["Naive"]);
        var f = auto.Fit(new SeriesHistory(y, [24])).Predict(24, [95]);
        Assert.Equal(24, f.Intervals[0].Lower.Length);
    }

    [Fact]
    public void WeightedEnsembleWeighsTheBetterModelMore()
    {
        double[] scores = [0.5, 1.0, 2.0, double.NaN];
        var w = CandidateBacktests.Weights(scores, 2);
        Assert.Equal(0.8, w[0], 10);
        Assert.Equal(0.2, w[1], 10);
        Assert.Equal(0, w[2]);
        Assert.Equal(0, w[3]);
    }

    [Fact]
    public void AutoFallsBackOnShortHistories()
    {
        var auto = new AutoSelectForecaster(StatisticalForecasters.SelectionCandidates(), null);
        var f = auto.Fit(new SeriesHistory([1.0, 2, 3, 4, 5, 6], [24])).Predict(4, [95]);
        Assert.All(f.Mean, v => Assert.True(double.IsFinite(v)));
    }
}
