using System.Diagnostics;
using Foresight.Neural.Lstm;
using Xunit.Abstractions;

namespace Foresight.Neural.Tests;

public sealed class LstmForecasterTests(ITestOutputHelper output)
{
    private static readonly LstmOptions Fast = new() { Horizon = 24, Hidden = 24, TrainingSteps = 250, BatchSize = 32, Threads = 1, Seed = 7 };

    [Fact]
    public void Trains_in_seconds_and_beats_naive_on_held_out_data()
    {
        const int horizon = 24;
        var all = SyntheticSeries.Seasonal(600, seed: 3);
        var train = all[..^horizon];
        var actual = all[^horizon..];

        var clock = Stopwatch.StartNew();
        var fitted = new LstmForecaster(Fast).Fit(SyntheticSeries.History(train));
        var seconds = clock.Elapsed.TotalSeconds;
        var forecast = fitted.Predict(horizon, [80, 95]);

        var lstmMae = Mae(actual, forecast.Mean);
        var naiveMae = Mae(actual, Enumerable.Repeat(train[^1], horizon).ToArray());
        var seasonalNaiveMae = Mae(actual, train[^24..]);
        output.WriteLine($"train_seconds={seconds:F2} mae_lstm={lstmMae:F3} mae_naive={naiveMae:F3} mae_snaive={seasonalNaiveMae:F3}");

        Assert.True(seconds < 60, $"training took {seconds:F1} s");
        Assert.True(lstmMae < 0.5 * naiveMae, $"LSTM MAE {lstmMae:F3} vs naive {naiveMae:F3}");
        Assert.All(forecast.Mean, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(2, forecast.Intervals.Count);
        for (var k = 0; k < horizon; k++)
        {
            Assert.True(forecast.Intervals[0].Lower[k] <= forecast.Mean[k] && forecast.Mean[k] <= forecast.Intervals[0].Upper[k]);
            Assert.True(forecast.Intervals[1].Lower[k] <= forecast.Intervals[0].Lower[k]);
            Assert.True(forecast.Intervals[1].Upper[k] >= forecast.Intervals[0].Upper[k]);
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_forecast()
    {
        var history = SyntheticSeries.History(SyntheticSeries.Seasonal(300, seed: 5));
        var options = Fast with { TrainingSteps = 20 };
        var a = new LstmForecaster(options).Fit(history).Predict(24, []);
        var b = new LstmForecaster(options).Fit(history).Predict(24, []);
        Assert.Equal(a.Mean, b.Mean);
    }

    [Fact]
    public void Global_fit_serves_each_series_at_its_own_scale()
    {
        var small = SyntheticSeries.Seasonal(300, seed: 11, level: 10, amplitude: 2, noise: 0.2);
        var large = SyntheticSeries.Seasonal(300, seed: 12, level: 5000, amplitude: 1000, noise: 50);
        var fitted = new LstmForecaster(Fast with { TrainingSteps = 150 })
            .FitMany([SyntheticSeries.History(small), SyntheticSeries.History(large)]);

        Assert.Equal(2, fitted.Count);
        var a = fitted[0].Predict(30, [95]);
        var b = fitted[1].Predict(30, [95]);
        Assert.InRange(a.Mean.Average(), 5, 15);
        Assert.InRange(b.Mean.Average(), 3500, 6500);
    }

    [Fact]
    public void Bad_input_gets_a_clear_error()
    {
        var forecaster = new LstmForecaster(Fast);
        var tooShort = Assert.ThrowsAny<ArgumentException>(() => forecaster.Fit(SyntheticSeries.History(SyntheticSeries.Seasonal(50, 1))));
        Assert.Contains("needs at least", tooShort.Message, StringComparison.Ordinal);

        var withNaN = SyntheticSeries.Seasonal(300, 1);
        withNaN[100] = double.NaN;
        var nan = Assert.ThrowsAny<ArgumentException>(() => forecaster.Fit(SyntheticSeries.History(withNaN)));
        Assert.Contains("non-finite", nan.Message, StringComparison.Ordinal);

        Assert.ThrowsAny<ArgumentException>(() => forecaster.Fit(SyntheticSeries.History([])));
    }

    private static double Mae(double[] actual, double[] predicted) =>
        actual.Zip(predicted, (a, p) => Math.Abs(a - p)).Average();
}
