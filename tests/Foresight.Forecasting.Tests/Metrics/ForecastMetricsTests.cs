using Foresight.Forecasting.Metrics;

namespace Foresight.Forecasting.Tests.Metrics;

public class ForecastMetricsTests
{
    private static readonly double[] Actual = [100, 200, 300];
    private static readonly double[] Forecast = [110, 180, 300];

    [Fact]
    public void SMapeMatchesHandComputation()
    {
        // 200/3 · (10/210 + 20/380 + 0) = 6.68337...
        Assert.Equal(200.0 / 3 * ((10.0 / 210) + (20.0 / 380)), ForecastMetrics.SMape(Actual, Forecast), 10);
        Assert.Equal(0, ForecastMetrics.SMape([0.0], [0.0]));
    }

    [Fact]
    public void MapeSkipsZeroActuals()
    {
        Assert.Equal(100.0 / 3 * (0.1 + 0.1 + 0), ForecastMetrics.Mape(Actual, Forecast), 10);
        Assert.Equal(50.0, ForecastMetrics.Mape([0.0, 10], [5.0, 5]), 10);
    }

    [Fact]
    public void RmseMatchesHandComputation() =>
        Assert.Equal(Math.Sqrt((100.0 + 400 + 0) / 3), ForecastMetrics.Rmse(Actual, Forecast), 10);

    [Fact]
    public void MaseScalesBySeasonalNaiveInSampleError()
    {
        double[] insample = [1, 2, 3, 5, 6, 7]; // lag-3 differences: 4, 4, 4 → scale 4
        Assert.Equal(4, ForecastMetrics.MaseScale(insample, 3), 10);
        Assert.Equal((10.0 + 20 + 0) / 3 / 4, ForecastMetrics.Mase(Actual, Forecast, insample, 3), 10);
        Assert.Throws<ArgumentException>(() => ForecastMetrics.MaseScale([1.0, 2], 3));
    }

    [Fact]
    public void OwaIsMeanOfRelativeSMapeAndMase()
    {
        Assert.Equal(1.0, ForecastMetrics.Owa(18.383, 2.395, 18.383, 2.395), 12);
        // M4's published sNaive Hourly row: 13.912 / 1.193 vs Naive2 18.383 / 2.395 → 0.627.
        Assert.Equal(0.627, ForecastMetrics.Owa(13.912, 1.193, 18.383, 2.395), 3);
    }

    [Fact]
    public void PinballWeighsUnderAndOverPredictionByTau()
    {
        // y=10, q=8 (under): 0.9·2 = 1.8; y=10, q=12 (over): 0.1·2 = 0.2 → mean 1.0
        Assert.Equal(1.0, ForecastMetrics.Pinball([10.0, 10], [8.0, 12], 0.9), 12);
        Assert.Equal(1.0, ForecastMetrics.Pinball([10.0], [8.0], 0.5), 12);
    }

    [Fact]
    public void CoverageCountsInclusiveBounds() =>
        Assert.Equal(0.75, ForecastMetrics.Coverage([1.0, 2, 3, 4], [1.0, 0, 0, 5], [1.0, 2, 4, 6]), 12);

    [Fact]
    public void MismatchedLengthsAreAClearError() =>
        Assert.Throws<ArgumentException>(() => ForecastMetrics.SMape([1.0, 2], [1.0]));
}
