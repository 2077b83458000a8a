using Foresight.Autoscaling.Predictive;
using Foresight.Forecasting;
using Foresight.Forecasting.Models;
using Foresight.Scheduling;
using Foresight.Simulation.Forecasts;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Forecasts;

public class ArrivalForecastProviderTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    /// <summary>A job every 30 s for three hours (each runs 45 s), plus any extra submit times.</summary>
    private static JobTrace Steady(params double[] extraSeconds)
    {
        var jobs = Enumerable.Range(0, 360).Select(i => (double)(i * 30)).Concat(extraSeconds)
            .Select((s, i) => new TraceJob(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(s), TimeSpan.FromSeconds(45), new Resources(1, 1024), []))
            .ToList();
        return JobTrace.Create("steady", jobs, new TraceDiagnostics());
    }

    private static ArrivalForecastProvider Provider(JobTrace trace, IForecaster? forecaster = null) =>
        new(trace, forecaster ?? new SesForecaster(), new ArrivalForecastOptions { RefitEvery = TimeSpan.FromMinutes(10) });

    [Fact]
    public void No_forecast_at_t_reads_an_arrival_after_t()
    {
        var t = T0.AddMinutes(127);
        var spike = Enumerable.Range(0, 5000).Select(i => 127 * 60 + 1 + (i * 0.1)).ToArray(); // 5,000 jobs from t + 1 s
        var without = Provider(Steady()).Forecast(t, TimeSpan.FromHours(1))!;
        var with = Provider(Steady(spike)).Forecast(t, TimeSpan.FromHours(1))!;

        Assert.NotEmpty(without.Arrivals);
        Assert.Equal(without.Arrivals, with.Arrivals);
        Assert.Equal(without.Points, with.Points);
        Assert.Equal(without.FittedThrough, with.FittedThrough);
        Assert.True(without.FittedThrough <= t);

        // The spike is real: a perfect forecast (which may look ahead) does see it.
        var pool = Scenarios.Options(0, 10_000).Pool;
        Assert.NotEqual(
            new PerfectForecastProvider(Steady(), pool).Forecast(t, TimeSpan.FromHours(1))!.Arrivals,
            new PerfectForecastProvider(Steady(spike), pool).Forecast(t, TimeSpan.FromHours(1))!.Arrivals);
    }

    [Fact]
    public void Forecasts_the_steady_rate_and_the_demand_it_implies()
    {
        var forecast = Provider(Steady()).Forecast(T0.AddMinutes(127), TimeSpan.FromMinutes(30))!;
        Assert.All(forecast.Arrivals, a => Assert.Equal(1 / 30.0, a.Mean, 6));
        Assert.All(forecast.Points, p => Assert.Equal(45 / 30.0, p.Mean, 6)); // rate × mean run time
        Assert.Equal("SES", forecast.Model);
    }

    [Fact]
    public void Too_little_history_gives_no_forecast_and_says_why()
    {
        var forecast = Provider(Steady()).Forecast(T0.AddMinutes(20), TimeSpan.FromMinutes(30))!;
        Assert.Empty(forecast.Arrivals);
        Assert.Contains("history of 4 buckets is shorter than the 12 needed", forecast.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forecaster_that_throws_gives_no_forecast_and_the_policy_falls_back_saying_so()
    {
        var provider = Provider(Steady(), new Throwing());
        var forecast = provider.Forecast(T0.AddMinutes(127), TimeSpan.FromMinutes(30))!;
        Assert.Empty(forecast.Arrivals);
        Assert.Contains("forecaster throwing failed (InvalidOperationException: model exploded)", forecast.Note, StringComparison.Ordinal);
        Assert.Equal((1, 1), provider.FitCounts);

        var decision = new HybridPolicy().Decide(Observation(forecast));
        Assert.Contains("fallback rules (no forecast (forecaster throwing failed", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forecaster_that_diverges_gives_no_forecast_and_the_policy_falls_back_saying_so()
    {
        var forecast = Provider(Steady(), new Diverging()).Forecast(T0.AddMinutes(127), TimeSpan.FromMinutes(30))!;
        Assert.Empty(forecast.Arrivals);
        Assert.Contains("diverged", forecast.Note, StringComparison.Ordinal);
        var decision = new PredictivePolicy().Decide(Observation(forecast));
        Assert.Contains("fallback (no forecast (forecaster diverging diverged", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_forecaster_names_list_the_valid_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => SimulationForecasters.Model("crystal-ball"));
        Assert.Contains("auto, perfect", e.Message, StringComparison.Ordinal);
        Assert.Contains("ETS", e.Message, StringComparison.Ordinal);
        Assert.Equal("ETS", SimulationForecasters.Model("ets").Name);
    }

    private static Autoscaling.Observations.AutoscalerObservation Observation(Autoscaling.Observations.LoadForecast forecast) =>
        new(T0.AddMinutes(127), Scenarios.Options(0, 100).Pool, [], 0, Resources.Zero, 0, 0, 0, TimeSpan.FromSeconds(10), forecast);

    private sealed class Throwing : IForecaster
    {
        public string Name => "throwing";

        public IFittedForecaster Fit(SeriesHistory history) => throw new InvalidOperationException("model exploded");
    }

    private sealed class Diverging : IForecaster, IFittedForecaster
    {
        public string Name => "diverging";

        public IFittedForecaster Fit(SeriesHistory history) => this;

        public ForecastResult Predict(int horizon, IReadOnlyList<double> levels) =>
            new(Enumerable.Range(1, horizon).Select(h => Math.Pow(10, h)).ToArray(), []);
    }
}
