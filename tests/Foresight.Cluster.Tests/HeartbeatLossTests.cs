using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Cluster.Tests.Support;
using Foresight.Scheduling.Jobs;
using Foresight.Scheduling.Workers;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Cluster.Tests;

/// <summary>
/// Heartbeat loss with Foresight's clock on a FakeTimeProvider: the test moves time, the grains' deadline checks see it.
/// </summary>
public sealed class HeartbeatLossTests
{
    [Fact]
    public async Task A_worker_that_stops_heartbeating_turns_Unhealthy_and_its_job_completes_on_another_worker()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        await using var cluster = await ForesightCluster.StartAsync(2, o => o.HeartbeatTimeout = TimeSpan.FromSeconds(10), clock);
        var stuck = new GateExecutor(block: true);
        var lost = await cluster.StartAgentAsync("lost", stuck);
        await cluster.Job("hb-1").Submit(new JobSpec("hb", "true", ["linux"], MaxAttempts: 3));
        await cluster.WaitForJobAsync("hb-1", j => j.State == JobState.Running);
        var healthy = new GateExecutor();
        await cluster.StartAgentAsync("healthy", healthy);

        // The first agent dies: no more heartbeats, its job never reports. (A heartbeat it had in flight may still land,
        // stamped with the clock of when the grain handles it, i.e. after the first step below.)
        await lost.StopAbruptlyAsync();
        // Move Foresight's clock past the 10 s timeout (and the 1 s retry back-off) in steps, letting the live
        // agent heartbeat at each step so only the dead one misses its deadline.
        var timeout = TimeSpan.FromSeconds(10);
        for (var step = 0; step < 15 && !JobStateMachine.IsTerminal((await cluster.Job("hb-1").GetState()).State); step++)
        {
            clock.Advance(TimeSpan.FromSeconds(2));
            var now = clock.GetUtcNow();
            await Eventually.HoldsAsync(
                async () => (await cluster.Worker("healthy").GetState()).LastHeartbeat >= now,
                TimeSpan.FromSeconds(10));
            var last = (await cluster.Worker("lost").GetState()).LastHeartbeat;
            if (last is { } heard && HeartbeatTimeout.IsExpired(heard, now, timeout))
            {
                // Its last heartbeat is older than the timeout: the deadline check (every 200 ms of real time) turns
                // it Unhealthy and re-queues its attempt; give that a moment of real time.
                await Eventually.HoldsAsync(async () => (await cluster.Worker("lost").GetState()).State == WorkerState.Unhealthy, TimeSpan.FromSeconds(10));
            }
        }

        var job = await cluster.WaitForEndAsync("hb-1");
        var worker = await cluster.Worker("lost").GetState();
        Assert.Equal(WorkerState.Unhealthy, worker.State);
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal(2, job.Attempts.Count);
        Assert.Equal(AttemptEnd.WorkerLost, job.Attempts[0].End);
        Assert.Equal("lost", job.Attempts[0].WorkerId);
        Assert.Equal("healthy", job.Attempts[1].WorkerId);
        Assert.Equal(AttemptEnd.Succeeded, job.Attempts[1].End);
        // The job's result is durable before the worker gives its capacity back (Report: Finish, then Released, then
        // idle), so the healthy worker turns Available just after the job ends, not with it.
        await Eventually.HoldsAsync(
            async () => (await cluster.Worker("healthy").GetState()).State == WorkerState.Available,
            TimeSpan.FromSeconds(10));

        // The lost worker's result shows up after all: recorded, never a second completion.
        await cluster.Worker("lost").Report([new AttemptReport("hb-1", 1, new ExecutionResult(AttemptEnd.Failed, 1, TimeSpan.FromSeconds(30)))]);
        var after = await cluster.Job("hb-1").GetState();
        Assert.Equal(JobState.Succeeded, after.State);
        Assert.Equal(job.FinishedAt, after.FinishedAt);
        var late = Assert.Single(after.LateResults);
        Assert.Equal(1, late.Attempt);
    }
}
