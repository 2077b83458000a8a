using Foresight.Autoscaling.External;
using Foresight.Autoscaling.Predictive;

namespace Foresight.Autoscaling.Tests.External;

/// <summary>The metric's scale-in hold while there is no usable forecast.</summary>
public sealed class FallbackHoldTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Without_a_forecast_the_answer_is_the_highest_of_the_window_and_a_forecast_clears_it()
    {
        var hold = new FallbackHold(TimeSpan.FromSeconds(180));

        Assert.Equal(10, hold.Apply(T0, 10, fallback: true));
        Assert.Equal(10, hold.Apply(T0.AddSeconds(60), 2, fallback: true)); // the burst was just picked up: keep its workers
        Assert.Equal(10, hold.Apply(T0.AddSeconds(180), 3, fallback: true));
        Assert.Equal(3, hold.Apply(T0.AddSeconds(181), 1, fallback: true)); // 10 left the window; 3 (at 180 s) has not
        Assert.Equal(12, hold.Apply(T0.AddSeconds(200), 12, fallback: true));

        // With a usable forecast its lower bound is the floor: the answer is the policy's, and the hold starts afresh.
        Assert.Equal(4, hold.Apply(T0.AddSeconds(210), 4, fallback: false));
        Assert.Equal(2, hold.Apply(T0.AddSeconds(220), 2, fallback: true));
    }

    [Fact]
    public void A_negative_window_is_refused_and_the_default_is_three_minutes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FallbackHold(TimeSpan.FromSeconds(-1)));
        Assert.Equal(TimeSpan.FromMinutes(3), new FallbackHold().Window);
    }

    [Fact]
    public void The_served_metric_holds_a_burst_while_falling_back_and_follows_the_forecast_otherwise()
    {
        var metric = new PredictiveMetricSource("keda-foresight", new PredictiveOptions());

        // No forecast: queued + running; once the queue is picked up, the metric keeps the burst's workers.
        var burst = Forecasts.Observe(Forecasts.Workers(2, 0), null, queued: 8);
        Assert.Equal(10, metric.Metric(burst).Value);
        var drained = Forecasts.Observe(Forecasts.Workers(2, 8), null, seconds: 60);
        Assert.Equal(10, metric.Metric(drained).Value);
        var later = Forecasts.Observe(Forecasts.Workers(2, 8), null, seconds: 300);
        Assert.Equal(2, metric.Metric(later).Value);

        // A new burst without a forecast is held again; a usable forecast (0.05 jobs/s of 60 s: about 3 workers besides
        // the 2 running) is served at once, not held at the burst.
        Assert.Equal(12, metric.Metric(Forecasts.Observe(Forecasts.Workers(2, 8), null, queued: 10, seconds: 320)).Value);
        var forecast = Forecasts.Observe(Forecasts.Workers(2, 8), Forecasts.Flat(0.05, 0.04, 0.06), runSeconds: 60, seconds: 330);
        Assert.InRange(metric.Metric(forecast).Value, 2, 8);
    }
}
