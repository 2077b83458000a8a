using Foresight.Forecasting.Models;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Metrics;

namespace Foresight.Simulation.Tests.Baselines;

public class OurPoliciesTests
{
    [Theory]
    [InlineData("predictive")]
    [InlineData("hybrid")]
    [InlineData("cost")]
    [InlineData("cost:1")]
    public void Our_policies_replay_a_trace_on_a_fitted_forecast_and_finish_every_job(string spec)
    {
        var trace = Scenarios.Synthetic();
        var options = Scenarios.Options(0, 200, bootSeconds: 60);
        var forecast = new ArrivalForecastProvider(trace, new SesForecaster(), new ArrivalForecastOptions { RefitEvery = TimeSpan.FromHours(1) });
        var result = new BaselineRunner(options, arrivals: forecast).Run(trace, spec);

        Assert.Equal(trace.Jobs.Count, result.Metrics.Completed);
        Assert.Equal(0, result.Unfinished);
        Assert.True(result.Metrics.WorkerHours > 0);
        Assert.True(forecast.FitCounts.Fits > 0);
    }

    [Fact]
    public void A_minimum_above_the_maximum_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new BaselineRunner(Scenarios.Options(0, 2), minWorkersOverride: 5).Run(Scenarios.Trace((0, 10)), "predictive"));
        Assert.Contains("--min-workers", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prewarm_success_counts_rises_covered_by_booted_workers()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        SeriesPoint P(double minutes, int supply, int demand) => new(t0.AddMinutes(minutes), supply, demand, supply);
        var series = new List<SeriesPoint>
        {
            P(0, 5, 0),
            P(1.2, 5, 4), // rise in minute 1, covered
            P(2.5, 5, 8), // rise in minute 2, not covered
            P(3.5, 9, 8), // minute 3: no rise (8 is not above 8)
        };
        Assert.Equal((2, 1), PrewarmSuccess.Count(series));
        Assert.Equal(0.5, PrewarmSuccess.Share(series));
    }
}
