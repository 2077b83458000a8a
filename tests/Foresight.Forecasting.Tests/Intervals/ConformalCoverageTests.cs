using Foresight.Forecasting.Backtesting;
using Foresight.Forecasting.Intervals;
using Foresight.Forecasting.Metrics;
using Foresight.Forecasting.Models;

namespace Foresight.Forecasting.Tests.Intervals;

public class ConformalCoverageTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(95)]
    public void SplitConformalCoversWithinThreePercentOfNominal(double level)
    {
        // Errors grow with the step (σ_h = 1 + h/4), as multi-step forecast errors do.
        var rng = new Random(11);
        int h = 12;
        var calibration = Enumerable.Range(0, 300).Select(_ => Enumerable.Range(0, h).Select(s => (1 + s / 4.0) * Synthetic.Gaussian(rng)).ToArray()).ToList();
        var conformal = ConformalCalibration.FromErrors(calibration);
        int inside = 0, total = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var mean = new double[h];
            var interval = conformal.Intervals(mean, [level])[0];
            for (int s = 0; s < h; s++)
            {
                double y = (1 + s / 4.0) * Synthetic.Gaussian(rng);
                inside += y >= interval.Lower[s] && y <= interval.Upper[s] ? 1 : 0;
                total++;
            }
        }

        Assert.InRange((double)inside / total, (level / 100) - 0.03, (level / 100) + 0.03);
    }

    [Fact]
    public void ConformalForecasterCoversSimulatedSeriesEndToEnd()
    {
        // Seasonal series with AR(1) noise; SES (no native seasonal intervals) wrapped in split-conformal.
        var forecaster = new ConformalForecaster(new SeasonalNaiveForecaster(), new BacktestOptions(12, 6, 30));
        var coverage = new List<double>();
        for (int seed = 0; seed < 40; seed++)
        {
            var noise = Synthetic.Ar1(24 * 12 + 12, 0.5, 1.0, seed: 100 + seed);
            var y = Enumerable.Range(0, noise.Length).Select(t => 50 + 10 * Math.Sin(2 * Math.PI * t / 24) + noise[t]).ToArray();
            var fitted = forecaster.Fit(new SeriesHistory(y[..^12], [24]));
            var f = fitted.Predict(12, [95]);
            coverage.Add(ForecastMetrics.Coverage(y[^12..], f.Intervals[0].Lower, f.Intervals[0].Upper));
        }

        Assert.InRange(coverage.Average(), 0.92, 0.98);
    }

    [Fact]
    public void WidthBeyondTheCalibratedHorizonGrows()
    {
        var c = ConformalCalibration.FromErrors([[1.0, 2.0], [1.0, 2.0]], minPool: 1);
        Assert.True(c.HalfWidth(5, 95) > c.HalfWidth(1, 95));
    }
}
