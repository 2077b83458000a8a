using Foresight.Scheduling.Placement;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Pool;

/// <summary>Back-off retries held inside <see cref="PoolScheduler"/> until their due time.</summary>
public sealed class HeldRetryTests
{
    [Fact]
    public void A_held_retry_is_placed_by_the_first_dispatch_at_or_after_its_due_time_and_not_before()
    {
        var pool = new PoolScheduler(new FirstFitPolicy());
        pool.UpsertWorker(Worker("w1"));
        pool.Hold(Job("retry"), T0, T0.AddSeconds(4));

        Assert.True(pool.IsQueued("retry"));
        Assert.Equal(1, pool.HeldCount);
        Assert.Equal(0, pool.QueueDepth);
        Assert.Equal(T0.AddSeconds(4), pool.NextDueAt);
        Assert.Empty(pool.Dispatch(T0.AddSeconds(3.999)));

        var placed = Assert.Single(pool.Dispatch(T0.AddSeconds(4)));
        Assert.Equal("retry", placed.Job.JobId);
        Assert.Equal(0, pool.HeldCount);
        Assert.Null(pool.NextDueAt);
    }

    [Fact]
    public void Retries_come_due_in_due_order_and_queue_with_their_original_enqueue_time()
    {
        var pool = new PoolScheduler(new FirstFitPolicy());
        pool.Hold(Job("late"), T0, T0.AddSeconds(30));
        pool.Hold(Job("early"), T0.AddSeconds(1), T0.AddSeconds(10));
        pool.Enqueue(Job("fresh"), T0.AddSeconds(20));

        Assert.Equal(T0.AddSeconds(10), pool.NextDueAt);
        Assert.Equal(["early"], pool.PromoteDue(T0.AddSeconds(15)).Select(j => j.JobId));
        Assert.Equal(["late"], pool.PromoteDue(T0.AddSeconds(60)).Select(j => j.JobId));
        Assert.True(pool.TryGetQueued("late", out var late));
        Assert.Equal(T0, late.EnqueuedAt);
        Assert.Equal(["late", "early", "fresh"], pool.Queued.Select(j => j.JobId));
    }

    [Fact]
    public void A_cancelled_held_retry_never_comes_back_and_its_id_can_be_held_again()
    {
        var pool = new PoolScheduler(new FirstFitPolicy());
        pool.UpsertWorker(Worker("w1"));
        pool.Hold(Job("a"), T0, T0.AddSeconds(5));
        pool.Hold(Job("b"), T0, T0.AddSeconds(8));

        Assert.True(pool.TryRemoveQueued("a"));
        Assert.False(pool.IsQueued("a"));
        Assert.Equal(T0.AddSeconds(8), pool.NextDueAt);
        Assert.Throws<InvalidOperationException>(() => pool.Hold(Job("b"), T0, T0.AddSeconds(9)));

        pool.Hold(Job("a"), T0, T0.AddSeconds(20));
        Assert.Equal(["b"], pool.Dispatch(T0.AddSeconds(10)).Select(p => p.Job.JobId));
        Assert.Equal(["a"], pool.Dispatch(T0.AddSeconds(20)).Select(p => p.Job.JobId));
    }

    [Fact]
    public void Lanes_offer_one_slot_per_job_that_fits_a_worker_and_running_jobs_hold_theirs_until_their_predicted_finish()
    {
        var busy = Worker("busy", cpu: 4);
        var idle = Worker("idle", cpu: 2);
        var off = Worker("off", cpu: 8);
        off.Accepting = false;
        var lanes = StartTimeForecast.Lanes(
            T0,
            [(busy, [T0.AddMinutes(5), T0.AddMinutes(-1)]), (idle, []), (off, [])],
            jobCpu: 2);

        Assert.Equal([T0.AddMinutes(5), T0, T0], lanes);
        Assert.Equal(T0, StartTimeForecast.Predict(T0, lanes, [TimeSpan.FromMinutes(1)]));
        Assert.Equal(T0.AddMinutes(1), StartTimeForecast.Predict(T0, lanes, [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)]));
    }
}
