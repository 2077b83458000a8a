using Foresight.Autoscaling.External;
using Foresight.Autoscaling.Keda;
using Foresight.Autoscaling.Observations;
using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling.Tests.External;

/// <summary>The pure side of the external scaler: forecast quantiles, the scaler query and <c>keda-foresight</c>.</summary>
public sealed class ExternalScalerPolicyTests
{
    [Fact]
    public void Normal_quantile_inverts_the_cdf()
    {
        Assert.Equal(0.5, NormalDistribution.Cdf(0), 6);
        Assert.Equal(1.2816, NormalDistribution.Quantile(0.9), 3);
        Assert.Equal(-1.6449, NormalDistribution.Quantile(0.05), 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalDistribution.Quantile(1));
    }

    [Fact]
    public void A_forecast_is_reread_at_a_higher_quantile_with_a_wider_upper_bound_and_the_same_mean()
    {
        var forecast = Forecasts.Flat(1, 0.5, 1.5); // level 0.6: upper = the 0.8 quantile
        var at = ForecastQuantile.At(forecast, 0.9);
        var p = at.Arrivals[0];
        Assert.Equal(1, p.Mean, 9);
        Assert.Equal(1 + (0.5 * 1.2816 / 0.8416), p.Upper, 3);
        Assert.Equal(1 - (0.5 * 1.2816 / 0.8416), p.Lower, 3);
        Assert.Equal(0.8, at.Level, 9);
        Assert.Equal(0.5, ForecastQuantile.At(forecast, 0.8).Arrivals[0].Lower, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => ForecastQuantile.At(forecast, 1.2));
        Assert.Contains("quantile must be in (0, 1)", ForecastQuantile.Check(0), StringComparison.Ordinal);
    }

    [Fact]
    public void The_scaler_query_answers_the_policys_workers_and_says_when_it_is_the_rule_fallback()
    {
        var settings = new AutoscalerSettings();
        var withForecast = Forecasts.Observe(Forecasts.Workers(2, 0), Forecasts.Flat(0.2, 0.15, 0.25), runSeconds: 60);
        var answer = ScalerQuery.Evaluate("predictive", settings, withForecast, 0.9);
        Assert.False(answer.Fallback);
        Assert.True(answer.Desired >= 12, answer.Reason); // 0.2/s × 60 s = 12 workers at the mean
        Assert.True(answer.PredictedQueue > 0);

        var without = Forecasts.Observe(Forecasts.Workers(2, 0), null, queued: 3);
        var fallback = ScalerQuery.Evaluate("predictive", settings, without, 0.9);
        Assert.True(fallback.Fallback);
        Assert.Equal(5, fallback.Desired);
        Assert.StartsWith("fallback", fallback.Reason, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ScalerQuery.Evaluate("nope", settings, without, 0.9));
        Assert.Equal(TimeSpan.FromSeconds(110), ScalerQuery.ForHorizon(settings, TimeSpan.FromSeconds(120)).BootDelay);
    }

    [Fact]
    public void Keda_foresight_is_the_scaledobject_formula_driven_by_the_predictive_metric()
    {
        var policy = AutoscalerPolicies.Create("keda-foresight");
        Assert.Equal("keda-foresight", policy.Name);
        Assert.True(AutoscalerPolicies.IsForecasting("keda-foresight"));
        Assert.True(AutoscalerPolicies.IsForecasting("keda-foresight:0.8"));
        Assert.True(policy.ForecastHorizon > TimeSpan.Zero);
        Assert.Equal("keda-foresight:keda-defaults", AutoscalerPolicies.Create("keda-foresight:keda-defaults").Name);
        Assert.Throws<ArgumentOutOfRangeException>(() => AutoscalerPolicies.Create("keda-foresight:1.5"));

        // Two busy workers, a forecast of 12+ workers of demand: the HPA scales on desiredWorkers with target 1 (up at most 4 pods or 100 % per 15 s).
        var decision = policy.Decide(Forecasts.Observe(Forecasts.Workers(2, 0), Forecasts.Flat(0.2, 0.15, 0.25), runSeconds: 60));
        Assert.InRange(decision.DesiredWorkers, 3, 6);
        Assert.Contains("foresight desiredWorkers metric", decision.Reason, StringComparison.Ordinal);

        var source = new PredictiveMetricSource("m", new PredictiveOptions());
        var (value, _) = source.Metric(Forecasts.Observe(Forecasts.Workers(2, 0), Forecasts.Flat(0.2, 0.15, 0.25), runSeconds: 60));
        Assert.True(value >= 12);
        Assert.IsAssignableFrom<IKedaMetricSource>(source);
    }

    [Fact]
    public void The_load_outlook_sums_arrivals_over_the_horizon_and_estimates_demand_and_bottleneck()
    {
        var forecast = Forecasts.Flat(0.1, 0.05, 0.15);
        var outlook = LoadOutlook.From(forecast, Forecasts.T0, TimeSpan.FromMinutes(10), 60, 4, 1, 1024);
        Assert.Equal(60, outlook.Jobs, 6);
        Assert.Equal(30, outlook.JobsLower, 6);
        Assert.Equal(90, outlook.JobsUpper, 6);
        Assert.Equal(2, outlook.Buckets.Count);
        Assert.Equal(6, outlook.PeakConcurrent, 6);
        Assert.Equal(6 * 1024, outlook.MemoryMib, 6);
        Assert.True(outlook.ResourcesKnown);
        Assert.True(outlook.BottleneckProbability > 0.5); // 6 concurrent jobs on 4 slots
        Assert.InRange(outlook.Confidence, 0.01, 0.6);

        var unknown = LoadOutlook.From(LoadForecast.Missing("fallback: no model"), Forecasts.T0, TimeSpan.FromMinutes(10), 0, 4, 1, 1024);
        Assert.False(unknown.ResourcesKnown);
        Assert.Equal(0, unknown.Confidence);
        Assert.Equal(0, unknown.BottleneckProbability);
    }
}
