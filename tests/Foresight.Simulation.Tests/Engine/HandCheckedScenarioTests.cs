using Foresight.Autoscaling.Fleet;
using Foresight.Simulation.Engine;

namespace Foresight.Simulation.Tests.Engine;

public class HandCheckedScenarioTests
{
    /// <summary>
    /// One worker, FIFO. Jobs: A at 0 s for 10 s, B at 0 s for 20 s, C at 5 s for 5 s.
    /// A runs 0–10 (wait 0), B 10–30 (wait 10), C 30–35 (wait 25). The worker exists 0–35 s.
    /// </summary>
    [Fact]
    public void Three_jobs_on_one_worker_give_exact_waits_and_worker_hours()
    {
        var result = new Simulator(Scenarios.Options(1, 1)).Run(Scenarios.Trace((0, 10), (0, 20), (5, 5)), new StaticFleetPolicy(1));

        Assert.Equal([0.0, 10.0, 30.0], result.Jobs.Select(j => (j.StartedAt!.Value - Scenarios.T0).TotalSeconds));
        Assert.Equal([10.0, 30.0, 35.0], result.Jobs.Select(j => (j.CompletedAt!.Value - Scenarios.T0).TotalSeconds));
        var m = result.Metrics;
        Assert.Equal(10, m.WaitP50);
        Assert.Equal(25, m.WaitP95);
        Assert.Equal(25, m.WaitMax);
        Assert.Equal(35.0 / 3, m.WaitMean, 9);
        Assert.Equal(35.0 / 3600, m.WorkerHours, 12);
        Assert.Equal(1.0, m.Utilization, 9);
        Assert.Equal((10 + 30 + 30) / 3.0, m.CompletionMean, 9);
        Assert.Equal(0, m.LateShare);
        Assert.Equal(Scenarios.T0.AddSeconds(35), result.End);
    }

    /// <summary>
    /// Same run: supply is 1 worker throughout; demand (queued + running) is 2 on [0,5), 3 on [5,10), 2 on [10,30),
    /// 1 on [30,35) (the pool may grow to 10, so demand is not capped at 1). accuracy_U = (1·5 + 2·5 + 1·20)/35 = 1; timeshare_U = 30/35; jitter = (0 − 4)/(35/60) per minute.
    /// </summary>
    [Fact]
    public void Elasticity_metrics_match_the_hand_integrals()
    {
        var result = new Simulator(Scenarios.Options(1, 10)).Run(Scenarios.Trace((0, 10), (0, 20), (5, 5)), new StaticFleetPolicy(1));
        var m = result.Metrics;
        Assert.Equal(1.0, m.UnderAccuracy, 9);
        Assert.Equal(30.0 / 35, m.UnderTimeshare, 9);
        Assert.Equal(0, m.OverAccuracy, 9);
        Assert.Equal(-4 / (35.0 / 60), m.JitterPerMinute, 9);
    }

    [Fact]
    public void A_tighter_wait_target_counts_late_jobs()
    {
        var options = Scenarios.Options(1, 1) with { WaitTarget = TimeSpan.FromSeconds(5) };
        var result = new Simulator(options).Run(Scenarios.Trace((0, 10), (0, 20), (5, 5)), new StaticFleetPolicy(1));
        Assert.Equal(2.0 / 3, result.Metrics.LateShare, 9);
    }
}
