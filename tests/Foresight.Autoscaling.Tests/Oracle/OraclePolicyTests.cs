using Foresight.Autoscaling.Observations;
using Foresight.Autoscaling.Oracle;

namespace Foresight.Autoscaling.Tests.Oracle;

public class OraclePolicyTests
{
    [Fact]
    public void Provisions_for_the_peak_within_boot_delay_plus_interval_and_keeps_busy_workers()
    {
        var t0 = DateTimeOffset.UnixEpoch;
        var forecast = new LoadForecast(
            [new(t0, 1, 1, 1), new(t0.AddSeconds(60), 4, 4, 4), new(t0.AddSeconds(200), 9, 9, 9)],
            1.0);
        var oracle = new OraclePolicy(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(5));
        var one = new List<WorkerObservation> { Pools.Worker(0, WorkerState.Busy, 1, 1) };
        Assert.Equal(4, oracle.Decide(Pools.Observe(t0, one, Pools.Limits(0, 20), running: 1, forecast: forecast)).DesiredWorkers);

        var later = new LoadForecast([new(t0, 0, 0, 0)], 1.0);
        var busy = new List<WorkerObservation> { Pools.Worker(0, WorkerState.Busy, 1, 1), Pools.Worker(1, WorkerState.Idle) };
        var decision = oracle.Decide(Pools.Observe(t0, busy, Pools.Limits(0, 20), running: 1, forecast: later));
        Assert.Equal(["w1"], decision.Drain);
        Assert.Equal(1, decision.DesiredWorkers);
    }
}
