using Foresight.Autoscaling.Keda;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Tests.Keda;

public class KedaPolicyTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void ScaledObject_activates_from_zero_then_scales_with_the_hpa_and_cools_down_to_zero()
    {
        var keda = new KedaScaledObjectPolicy();
        var limits = Pools.Limits(0, 10);

        var d0 = keda.Decide(Pools.Observe(T0, [], limits, queued: 5));
        Assert.Equal(1, d0.DesiredWorkers); // KEDA: 0 → 1

        var one = new List<WorkerObservation> { Pools.Worker(0, WorkerState.Busy, 1, 1) };
        var d1 = keda.Decide(Pools.Observe(T0.AddSeconds(15), one, limits, queued: 4, running: 1));
        Assert.Equal(5, d1.DesiredWorkers); // HPA: ceil(5/1) = 5, within max(1+4, 2)

        var idle = new List<WorkerObservation> { Pools.Worker(0, WorkerState.Idle) };
        Assert.Equal(1, keda.Decide(Pools.Observe(T0.AddSeconds(30), idle, limits)).DesiredWorkers); // last active at 0; cooldown 300 s
        Assert.Equal(1, keda.Decide(Pools.Observe(T0.AddSeconds(270), idle, limits)).DesiredWorkers);
        var gone = keda.Decide(Pools.Observe(T0.AddSeconds(300), idle, limits));
        Assert.Equal(0, gone.DesiredWorkers);
        Assert.Equal(["w0"], gone.Drain);
    }

    [Fact]
    public void ScaledJob_creates_per_strategy_and_lets_idle_jobs_exit_when_the_queue_is_empty()
    {
        var limits = Pools.Limits(0, 10);
        var workers = new List<WorkerObservation>
        {
            Pools.Worker(0, WorkerState.Busy, 1, 1),
            Pools.Worker(1, WorkerState.Busy, 1, 1),
            Pools.Worker(2, WorkerState.Booting),
        };
        Assert.Equal(3 + 1, new KedaScaledJobPolicy().Decide(Pools.Observe(T0, workers, limits, queued: 4, running: 2)).DesiredWorkers);
        var accurate = new KedaScaledJobPolicy(new KedaScaledJobOptions { Strategy = ScaledJobStrategy.Accurate });
        Assert.Equal(3 + 3, accurate.Decide(Pools.Observe(T0, workers, limits, queued: 4, running: 2)).DesiredWorkers);

        var idle = new List<WorkerObservation> { Pools.Worker(0, WorkerState.Idle), Pools.Worker(1, WorkerState.Busy, 1, 1) };
        var exit = new KedaScaledJobPolicy().Decide(Pools.Observe(T0, idle, limits, running: 1));
        Assert.Equal(["w0"], exit.Drain);
        Assert.Equal(1, exit.DesiredWorkers);
    }
}
