using Foresight.Autoscaling.Observations;
using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling.Tests.Predictive;

public class PredictivePolicyTests
{
    [Fact]
    public void Pre_warms_for_the_upper_arrival_rate_times_the_learned_run_time_before_any_job_arrives()
    {
        var policy = new PredictivePolicy();
        var decision = policy.Decide(Forecasts.Observe([], Forecasts.Flat(mean: 1, lower: 0.5, upper: 2), runSeconds: 60));

        // Look-ahead 90 s boot + 10 s interval; every job runs 60 s, so 2 arrivals/s keep 2 × 60 = 120 workers busy.
        Assert.Equal(120, decision.DesiredWorkers);
        Assert.Contains("forecast test", decision.Reason, StringComparison.Ordinal);
        Assert.Equal(60, policy.Load.Durations.MeanSeconds);
    }

    [Fact]
    public void Never_scales_in_below_the_running_jobs_and_drains_only_idle_workers()
    {
        var decision = new PredictivePolicy().Decide(Forecasts.Observe(Forecasts.Workers(busy: 10, idle: 5), Forecasts.Flat(0, 0, 0)));
        Assert.Equal(10, decision.DesiredWorkers);
        Assert.Equal(5, decision.Drain.Count);
        Assert.All(decision.Drain, id => Assert.StartsWith("i", id, StringComparison.Ordinal));
    }

    [Fact]
    public void The_forecast_lower_bound_is_a_scale_in_floor()
    {
        // Jobs of 300 s: lower rate 0.15/s × 300 s = 45 workers; the 100 s look-ahead alone would need 0.2 × 100 = 20.
        var decision = new PredictivePolicy().Decide(Forecasts.Observe(Forecasts.Workers(busy: 0, idle: 60), Forecasts.Flat(0.18, 0.15, 0.2), runSeconds: 300));
        Assert.Equal(45, decision.DesiredWorkers);
        Assert.Contains("scale-in floor 45", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_with_no_history_falls_back_to_the_jobs_present_and_says_why()
    {
        var decision = new PredictivePolicy().Decide(Forecasts.Observe(Forecasts.Workers(busy: 3, idle: 0), LoadForecast.Missing("history of 2 buckets is shorter than the 12 needed"), queued: 4));
        Assert.Equal(7, decision.DesiredWorkers);
        Assert.Contains("fallback (no forecast (history of 2 buckets", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Queued_jobs_that_completions_will_not_absorb_in_the_wait_target_get_workers()
    {
        // 5 busy workers whose jobs (60 s each) just started: none completes within the 60 s wait target.
        var decision = new PredictivePolicy().Decide(Forecasts.Observe(Forecasts.Workers(busy: 5, idle: 0, busySinceSeconds: 0), Forecasts.Flat(0, 0, 0), queued: 8));
        Assert.True(decision.DesiredWorkers >= 13, decision.Reason);
        Assert.Contains("backlog 8 queued", decision.Reason, StringComparison.Ordinal);
    }
}
