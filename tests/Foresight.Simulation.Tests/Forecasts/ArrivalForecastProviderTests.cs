using Foresight.Autoscaling.Observations;
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
    public void A_holiday_calendar_lowers_the_forecast_for_a_holiday_like_the_one_before()
    {
        // A job a minute and ten more a minute from 10:00 to 11:00 on 1970-01-01 and 1970-01-03, not on the holiday
        // 1970-01-02; 1970-01-04 is a holiday too. The forecast is made at 09:55 on it.
        var seconds = Enumerable.Range(0, 4 * 1440).Select(m => m * 60.0)
            .Concat(new[] { 0, 2 }.SelectMany(day => Enumerable.Range(0, 600).Select(i => (day * 86_400) + 36_000 + (i * 6.0))));
        var jobs = seconds.Order().Select((s, i) => new TraceJob(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(s), TimeSpan.FromSeconds(45), new Resources(1, 1024), [])).ToList();
        var trace = JobTrace.Create("holidays", jobs, new TraceDiagnostics());
        var options = new ArrivalForecastOptions { RefitEvery = TimeSpan.FromMinutes(10) };
        var at = T0.AddDays(3).AddHours(10).AddMinutes(-5);

        var plain = new ArrivalForecastProvider(trace, SimulationForecasters.Model("SeasonalNaive"), options).Forecast(at, TimeSpan.FromMinutes(30))!;
        var calendar = new ArrivalForecastProvider(trace, SimulationForecasters.Model("SeasonalNaive"), options with { Holidays = [new DateOnly(1970, 1, 2), new DateOnly(1970, 1, 4)] }).Forecast(at, TimeSpan.FromMinutes(30))!;

        double At(LoadForecast f, int minute) => f.Arrivals.Single(p => p.At == at.AddMinutes(minute)).Mean;
        Assert.Equal(11 / 60.0, At(plain, 5), 6);
        Assert.True(At(calendar, 5) < 0.3 * At(plain, 5), $"{At(calendar, 5)} with the calendar, {At(plain, 5)} without");
        Assert.Equal(At(plain, 0), At(calendar, 0), 6);
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

    /// <summary>A job every 30 s for four hours, then one every 7.5 s for four more (the rate quadruples at 4 h).</summary>
    private static JobTrace Shift(params double[] extraSeconds)
    {
        var before = Enumerable.Range(0, 480).Select(i => i * 30.0);
        var after = Enumerable.Range(0, 1920).Select(i => (4 * 3600) + (i * 7.5));
        var jobs = before.Concat(after).Concat(extraSeconds)
            .Select((s, i) => new TraceJob(i.ToString(System.Globalization.CultureInfo.InvariantCulture), T0.AddSeconds(s), TimeSpan.FromSeconds(45), new Resources(1, 1024), []))
            .ToList();
        return JobTrace.Create("shift", jobs, new TraceDiagnostics());
    }

    private static ArrivalForecastProvider Learning(JobTrace trace, bool online) =>
        new(trace, new HistoricMean(), new ArrivalForecastOptions
        {
            RefitEvery = TimeSpan.FromMinutes(10),
            Online = online ? new OnlineForecastOptions() : null,
        });

    [Fact]
    public void Online_learning_detects_a_level_shift_soon_after_it_and_forecasts_the_new_level_better_than_scheduled_refits()
    {
        var change = T0.AddHours(4);
        var online = Learning(Shift(), online: true);
        var scheduled = Learning(Shift(), online: false);

        var on = online.Online(change);
        var off = scheduled.Online(change);

        // The detector sees the jump within a few buckets, and nothing before it (the old regime is steady).
        Assert.NotNull(on.DetectedAt);
        Assert.InRange(on.DetectedAt!.Value, change, change.AddMinutes(30));
        Assert.Equal(0, on.FalseAlarms);
        Assert.True(on.DriftRefits >= 1);
        Assert.Equal(0, off.DriftRefits);
        Assert.Equal(on.DetectedAt, off.DetectedAt); // the same detector watched both; only one refitted

        // Refitted on the new regime, the mean of history is right (40 a bucket); refitted on all history it lags.
        Assert.Equal(on.MaeBefore, off.MaeBefore);
        Assert.True(on.MaeAfter < off.MaeAfter / 3, $"online MAE after the shift {on.MaeAfter:0.##} vs scheduled {off.MaeAfter:0.##}");
        var late = online.Forecast(change.AddHours(3), TimeSpan.FromMinutes(15))!;
        Assert.All(late.Arrivals, a => Assert.Equal(40 / 300.0, a.Mean, 3));
    }

    [Fact]
    public void Online_learning_reads_no_arrival_after_t()
    {
        var t = T0.AddHours(4).AddMinutes(47);
        var spike = Enumerable.Range(0, 5000).Select(i => ((4 * 60) + 47) * 60 + 1 + (i * 0.1)).ToArray();
        var without = Learning(Shift(), online: true).Forecast(t, TimeSpan.FromHours(1))!;
        var with = Learning(Shift(spike), online: true).Forecast(t, TimeSpan.FromHours(1))!;

        Assert.NotEmpty(without.Arrivals);
        Assert.Equal(without.Arrivals, with.Arrivals);
        Assert.Equal(without.FittedThrough, with.FittedThrough);
        Assert.True(without.FittedThrough <= t);
    }

    [Fact]
    public void An_unknown_drift_detector_is_refused_naming_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => new ArrivalForecastOptions { Online = new OnlineForecastOptions { Detector = "cusum" } }.Validate());
        Assert.Contains("page-hinkley, adwin", e.Message, StringComparison.Ordinal);
    }

    private static Autoscaling.Observations.AutoscalerObservation Observation(Autoscaling.Observations.LoadForecast forecast) =>
        new(T0.AddMinutes(127), Scenarios.Options(0, 100).Pool, [], 0, Resources.Zero, 0, 0, 0, TimeSpan.FromSeconds(10), forecast);

    private sealed class Throwing : IForecaster
    {
        public string Name => "throwing";

        public IFittedForecaster Fit(SeriesHistory history) => throw new InvalidOperationException("model exploded");
    }

    /// <summary>Forecasts the mean of everything it was fitted on: slow to follow a shift unless refitted on the new regime.</summary>
    private sealed class HistoricMean : IForecaster
    {
        public string Name => "historic-mean";

        public IFittedForecaster Fit(SeriesHistory history) => new Fitted(history.Values.Average());

        private sealed class Fitted(double mean) : IFittedForecaster
        {
            public string Name => "historic-mean";

            public ForecastResult Predict(int horizon, IReadOnlyList<double> levels) =>
                new(Enumerable.Repeat(mean, horizon).ToArray(), [.. levels.Select(l => new PredictionInterval(l, Enumerable.Repeat(mean, horizon).ToArray(), Enumerable.Repeat(mean, horizon).ToArray()))]);
        }
    }

    private sealed class Diverging : IForecaster, IFittedForecaster
    {
        public string Name => "diverging";

        public IFittedForecaster Fit(SeriesHistory history) => this;

        public ForecastResult Predict(int horizon, IReadOnlyList<double> levels) =>
            new(Enumerable.Range(1, horizon).Select(h => Math.Pow(10, h)).ToArray(), []);
    }
}
