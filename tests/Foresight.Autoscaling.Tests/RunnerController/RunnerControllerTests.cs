using Foresight.Autoscaling.Observations;
using Foresight.Autoscaling.RunnerController;

namespace Foresight.Autoscaling.Tests.RunnerController;

public class RunnerControllerTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    [Fact]
    public void Scale_set_targets_min_plus_assigned_and_keeps_the_last_patch_on_an_empty_batch()
    {
        var arc = new ArcScaleSetPolicy();
        var limits = Pools.Limits(1, 10);
        Assert.Equal(1 + 3, arc.Decide(Pools.Observe(T0, [], limits, queued: 2, running: 1)).DesiredWorkers);

        var four = Enumerable.Range(0, 4).Select(i => Pools.Worker(i, WorkerState.Idle)).ToList();
        var empty = arc.Decide(Pools.Observe(T0.AddSeconds(1), four, limits));
        Assert.Equal(4, empty.DesiredWorkers); // empty batch: max(lastPatch 4, 1)
        Assert.Empty(empty.Drain);

        var afterCompletion = arc.Decide(Pools.Observe(T0.AddSeconds(2), four, limits, completions: 1));
        Assert.Equal(1, afterCompletion.DesiredWorkers);
        Assert.Equal(3, afterCompletion.Drain.Count);
    }

    [Fact]
    public void Scale_set_never_drains_a_busy_runner()
    {
        var busy = Enumerable.Range(0, 3).Select(i => Pools.Worker(i, WorkerState.Busy, 1, 1)).ToList();
        var decision = new ArcScaleSetPolicy().Decide(Pools.Observe(T0, busy, Pools.Limits(0, 10), completions: 2));
        Assert.Empty(decision.Drain);
    }

    [Theory]
    [InlineData(4, 5, 7)] // 0.8 ≥ 0.8 → ceil(5 × 1.3) = 7
    [InlineData(3, 5, 5)] // 0.6 → no change
    [InlineData(1, 5, 3)] // 0.2 < 0.3 → int(5 × 0.7) = 3
    public void Percentage_runners_busy_uses_the_controller_defaults(int busy, int total, int expected)
    {
        var workers = Enumerable.Range(0, total)
            .Select(i => i < busy ? Pools.Worker(i, WorkerState.Busy, 1, 1) : Pools.Worker(i, WorkerState.Idle))
            .ToList();
        var decision = new PercentageRunnersBusyPolicy().Decide(Pools.Observe(T0, workers, Pools.Limits(1, 20)));
        Assert.Equal(expected, decision.DesiredWorkers);
    }

    [Fact]
    public void Percentage_runners_busy_waits_ten_minutes_after_a_scale_out_before_scaling_down()
    {
        var prb = new PercentageRunnersBusyPolicy();
        var limits = Pools.Limits(1, 20);
        var allBusy = Enumerable.Range(0, 5).Select(i => Pools.Worker(i, WorkerState.Busy, 1, 1)).ToList();
        Assert.Equal(7, prb.Decide(Pools.Observe(T0, allBusy, limits)).DesiredWorkers);
        var idle = Enumerable.Range(0, 7).Select(i => Pools.Worker(i, WorkerState.Idle)).ToList();
        Assert.Equal(7, prb.Decide(Pools.Observe(T0.AddMinutes(9), idle, limits)).DesiredWorkers);
        Assert.Equal(4, prb.Decide(Pools.Observe(T0.AddMinutes(10), idle, limits)).DesiredWorkers); // int(7 × 0.7)
    }
}
