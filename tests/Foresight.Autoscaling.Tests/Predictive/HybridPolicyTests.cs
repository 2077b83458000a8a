using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling.Tests.Predictive;

public class HybridPolicyTests
{
    [Fact]
    public void A_stale_forecast_falls_back_to_the_documented_rules()
    {
        var decision = new HybridPolicy().Decide(Forecasts.Observe(Forecasts.Workers(busy: 2, idle: 0), Forecasts.Flat(1, 0.5, 2, fittedAgo: TimeSpan.FromHours(4)), queued: 3));
        Assert.Contains("fallback rules (forecast stale", decision.Reason, StringComparison.Ordinal);
        Assert.Contains("queue depth 3 > 0", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(5, decision.DesiredWorkers);
    }

    [Fact]
    public void A_forecast_too_wide_to_trust_falls_back_and_says_so()
    {
        // 10 busy of 10 ready: utilization 100 % ≥ 80 % → running at 70 % = 15 workers.
        var decision = new HybridPolicy().Decide(Forecasts.Observe(Forecasts.Workers(busy: 10, idle: 0), Forecasts.Flat(0.1, 0, 5)));
        Assert.Contains("forecast too wide", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(15, decision.DesiredWorkers);
    }

    [Fact]
    public void Takes_the_reactive_term_when_more_jobs_are_present_than_the_forecast_expects()
    {
        var decision = new HybridPolicy().Decide(Forecasts.Observe(Forecasts.Workers(busy: 4, idle: 0, busySinceSeconds: 0), Forecasts.Flat(0, 0, 0), queued: 0));
        Assert.Equal(4, decision.DesiredWorkers);
        Assert.Contains("reactive 4", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Scale_in_waits_for_the_cooldown_after_a_scale_out()
    {
        var policy = new HybridPolicy(hybrid: new HybridOptions { Cooldown = TimeSpan.FromSeconds(60), ScaleInStabilization = TimeSpan.Zero });
        var up = policy.Decide(Forecasts.Observe(Forecasts.Workers(busy: 0, idle: 0), Forecasts.Flat(0.5, 0.4, 0.6)));
        Assert.True(up.DesiredWorkers > 0);
        var held = policy.Decide(Forecasts.Observe(Forecasts.Workers(busy: 0, idle: up.DesiredWorkers), Forecasts.Flat(0, 0, 0), seconds: 10));
        Assert.Equal(up.DesiredWorkers, held.DesiredWorkers);
        Assert.Contains("cooldown", held.Reason, StringComparison.Ordinal);
        var shrunk = policy.Decide(Forecasts.Observe(Forecasts.Workers(busy: 0, idle: up.DesiredWorkers), Forecasts.Flat(0, 0, 0), seconds: 70));
        Assert.Equal(0, shrunk.DesiredWorkers);
    }
}
