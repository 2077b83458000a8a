using Foresight.Forecasting.Models;
using Foresight.Forecasting.Quality;
using Foresight.Forecasting.Selection;

namespace Foresight.Forecasting.Tests.Models;

public class BadInputTests
{
    public static TheoryData<string> ModelNames() => new(StatisticalForecasters.All().Select(m => m.Name));

    private static IForecaster Model(string name) => StatisticalForecasters.All().First(m => m.Name == name);

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void EmptyAndNonFiniteHistoriesAreClearErrors(string name)
    {
        var model = Model(name);
        Assert.Throws<ForecastInputException>(() => model.Fit(new SeriesHistory([], [24])));
        var nan = Assert.Throws<ForecastInputException>(() => model.Fit(new SeriesHistory([1.0, double.NaN, 3], [24])));
        Assert.Contains("index 1", nan.Message, StringComparison.Ordinal);
        Assert.Throws<ForecastInputException>(() => model.Fit(new SeriesHistory([1.0, double.PositiveInfinity], [24])));
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void AwkwardHistoriesGiveFiniteForecasts(string name)
    {
        var model = Model(name);
        double[][] cases =
        [
            [5.0],                                                      // one point
            [1.0, 2, 3, 4, 5],                                          // shorter than a season
            Enumerable.Repeat(7.0, 100).ToArray(),                      // constant
            new double[100],                                            // all zero
            Synthetic.Seasonal(200, 24, -50, 10, 1, seed: 12),         // negative
            Enumerable.Range(0, 120).Select(t => t % 24 == 0 ? 1e6 : 1.0).ToArray(), // spiky
            Enumerable.Range(0, 120).Select(t => Math.Exp(t / 10.0)).ToArray(),     // explosive growth
        ];
        foreach (var y in cases)
        {
            var f = model.Fit(new SeriesHistory(y, [24, 168])).Predict(48, [95]);
            Assert.Equal(48, f.Mean.Length);
            Assert.All(f.Mean, v => Assert.True(double.IsFinite(v)));
            Assert.All(f.Intervals[0].Lower.Concat(f.Intervals[0].Upper), v => Assert.True(double.IsFinite(v)));
        }
    }

    [Fact]
    public void ConstantHistoryGetsAFlatForecastWithZeroWidth()
    {
        var f = new EtsForecaster().Fit(new SeriesHistory(Enumerable.Repeat(3.0, 50).ToArray(), [])).Predict(5, [95]);
        Assert.All(f.Mean, v => Assert.Equal(3, v));
        Assert.Equal(f.Intervals[0].Lower, f.Intervals[0].Upper);
    }

    [Fact]
    public void ShortHistoryFallsBackAndSaysSo()
    {
        var y = Synthetic.Seasonal(30, 24, 10, 2, 0.1, seed: 13); // one season and a bit
        var f = new AutoArimaForecaster().Fit(new SeriesHistory(y, [24])).Predict(24, []);
        Assert.Contains("short-history fallback", f.Note, StringComparison.Ordinal);
        Assert.Equal(y[^24..], f.Mean); // SeasonalNaive answered
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var fitted = new NaiveForecaster().Fit(new SeriesHistory([1.0, 2], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => fitted.Predict(0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => fitted.Predict(3, [100]));
        Assert.Throws<ForecastInputException>(() => new NaiveForecaster().Fit(new SeriesHistory([1.0], [0])));
    }

    [Fact]
    public void GuardReplacesDivergentForecastsAndFlagsThem()
    {
        var y = Enumerable.Range(0, 48).Select(t => 10.0 + t % 24).ToArray();
        var history = new SeriesHistory(y, [24]);
        var diverging = new FittedModel("boom", h => Enumerable.Range(0, h).Select(i => Math.Pow(10, i)).ToArray(), null, 1);
        var guarded = new ForecastGuard("boom", diverging, history, y, null).Predict(24, [95]);
        Assert.True(guarded.FellBack);
        Assert.Equal(y[^24..], guarded.Mean);
        var nan = new FittedModel("nan", h => Enumerable.Repeat(double.NaN, h).ToArray(), null, 1);
        Assert.True(new ForecastGuard("nan", nan, history, y, null).Predict(3, []).FellBack);
    }
}
