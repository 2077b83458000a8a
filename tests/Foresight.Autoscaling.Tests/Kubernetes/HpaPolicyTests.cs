using Foresight.Autoscaling.Kubernetes;
using Foresight.Autoscaling.Observations;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Autoscaling.Tests.Kubernetes;

public class HpaPolicyTests
{
    /// <summary>
    /// Step load: 6 workers' worth of work from t=0, dropping to 2 at t=60 s; target 70 %, tolerance 0.1, default behavior.
    /// By hand (utilization is an integer percent; ratio = util/70; raw = ceil(ratio × ready)):
    /// t=0: 2 workers at 100 % → ceil(1.4286×2)=3 (limit max(2+4, 2×2)=6) → 3.
    /// t=15: 3 at 100 % → ceil(4.29)=5. t=30: 5 at 100 % → ceil(7.14)=8 (limit 9).
    /// t=45: 8 at 75 % → ratio 1.071, within tolerance → 8.
    /// t=60..330: 8 at 25 % → raw 3, but the 300 s down-window still holds the raw 8 of t=30/45 → 8.
    /// t=345: the window (45, 345] holds only 3s → 3 (100 %/15 s allows it). t=360: 3 at 66 % → ratio 0.943 → 3.
    /// </summary>
    [Fact]
    public void Step_load_gives_the_hand_computed_replica_sequence()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var hpa = new HpaPolicy();
        var replicas = 2;
        var sequence = new List<int>();
        for (var t = 0; t <= 360; t += 15)
        {
            var load = t < 60 ? 6.0 : 2.0;
            var decision = hpa.Decide(Pools.Observe(time.GetUtcNow(), Pools.Loaded(replicas, load)));
            replicas = decision.DesiredWorkers;
            sequence.Add(replicas);
            time.Advance(TimeSpan.FromSeconds(15));
        }

        int[] expected = [3, 5, 8, 8, .. Enumerable.Repeat(8, 19), 3, 3];
        Assert.Equal(expected, sequence);
    }

    [Fact]
    public void Booting_workers_count_as_zero_on_scale_up_and_can_cancel_it()
    {
        // 2 ready at 100 % → ratio 1.43; with 2 not-ready pods at 0 % the ratio becomes 0.71: direction reversed → hold.
        var workers = Pools.Loaded(2, 2);
        workers.Add(Pools.Worker(10, WorkerState.Booting));
        workers.Add(Pools.Worker(11, WorkerState.Booting));
        var decision = new HpaPolicy().Decide(Pools.Observe(DateTimeOffset.UnixEpoch, workers));
        Assert.Equal(4, decision.DesiredWorkers);
    }

    [Fact]
    public void Replica_calculator_follows_the_tolerance()
    {
        Assert.Equal(4, HpaReplicaCalculator.ResourceUtilization([0.75, 0.75, 0.75, 0.75], 0, 4, 70, 0.1));
        Assert.Equal(6, HpaReplicaCalculator.ResourceUtilization([1, 1, 1, 1], 0, 4, 70, 0.1));
        Assert.Null(HpaReplicaCalculator.ResourceUtilization([], 3, 3, 70, 0.1));
        Assert.Equal(10, HpaReplicaCalculator.ExternalAverageValue(10, 1, 3, 0.1));
        Assert.Equal(10, HpaReplicaCalculator.ExternalAverageValue(10.5, 1, 10, 0.1));
    }

    [Fact]
    public void Scale_up_is_limited_to_four_pods_or_double_per_period()
    {
        var controller = new HpaBehaviorController(HpaBehavior.Default);
        var now = DateTimeOffset.UnixEpoch;
        Assert.Equal(5, controller.Normalize(now, 1, 50, 1, 100)); // max(1+4, 2×1)
        Assert.Equal(20, new HpaBehaviorController(HpaBehavior.Default).Normalize(now, 10, 50, 1, 100)); // max(14, 20)
    }

    [Fact]
    public void Below_min_scales_to_min_and_drains_idle_before_busy()
    {
        var workers = new List<WorkerObservation>
        {
            Pools.Worker(0, WorkerState.Busy, 0.2, 1),
            Pools.Worker(1, WorkerState.Idle),
            Pools.Worker(2, WorkerState.Idle),
        };
        var decision = new HpaPolicy().Decide(Pools.Observe(DateTimeOffset.UnixEpoch, workers, Pools.Limits(1, 1)));
        Assert.Equal(1, decision.DesiredWorkers);
        Assert.Equal(["w1", "w2"], decision.Drain);
    }
}
