using Foresight.Autoscaling.Draining;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Tests.Draining;

public class DrainSelectorTests
{
    [Fact]
    public void Idle_first_longest_idle_first_then_booting_newest_then_busy()
    {
        var workers = new List<WorkerObservation>
        {
            Pools.Worker(0, WorkerState.Busy, 1, 2, sinceSeconds: 0),
            Pools.Worker(1, WorkerState.Idle, sinceSeconds: 50),
            Pools.Worker(2, WorkerState.Booting, sinceSeconds: 10),
            Pools.Worker(3, WorkerState.Idle, sinceSeconds: 20),
            Pools.Worker(4, WorkerState.Booting, sinceSeconds: 30),
            Pools.Worker(5, WorkerState.Busy, 1, 1, sinceSeconds: 0),
            Pools.Worker(6, WorkerState.Draining, sinceSeconds: 0),
        };
        Assert.Equal(["w3", "w1", "w4", "w2", "w5", "w0"], DrainSelector.Select(workers, 10));
        Assert.Equal(["w3", "w1", "w4", "w2"], DrainSelector.Select(workers, 10, includeBusy: false));
        Assert.Empty(DrainSelector.Select(workers, 0));
    }

    [Fact]
    public void Busy_workers_with_the_least_predicted_remaining_work_drain_first()
    {
        var workers = new List<WorkerObservation>
        {
            Pools.Worker(0, WorkerState.Busy, 1, 1),
            Pools.Worker(1, WorkerState.Busy, 1, 1),
            Pools.Worker(2, WorkerState.Idle),
        };
        var remaining = new Dictionary<string, double> { ["w0"] = 500, ["w1"] = 20 };
        Assert.Equal(["w2", "w1"], DrainSelector.Select(workers, 2, remainingWork: w => remaining[w.WorkerId]));
    }
}
