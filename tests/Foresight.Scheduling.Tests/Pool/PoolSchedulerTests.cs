using Foresight.Scheduling.Placement;
using static Foresight.Scheduling.Tests.TestData;

namespace Foresight.Scheduling.Tests.Pool;

public class PoolSchedulerTests
{
    private static PoolScheduler Scheduler(params WorkerView[] workers) => Scheduler(new FirstFitPolicy(), workers);

    private static PoolScheduler Scheduler(IPlacementPolicy policy, params WorkerView[] workers)
    {
        var scheduler = new PoolScheduler(policy);
        foreach (var worker in workers)
        {
            scheduler.UpsertWorker(worker);
        }

        return scheduler;
    }

    [Fact]
    public void Placements_respect_capacity()
    {
        var worker = Worker("w", 4, 8192);
        var scheduler = Scheduler(worker);
        for (int i = 0; i < 6; i++)
        {
            scheduler.Enqueue(Job($"j{i}", 1, 1024), T0.AddSeconds(i));
        }

        var placements = scheduler.Dispatch(T0.AddSeconds(10));

        Assert.Equal(["j0", "j1", "j2", "j3"], placements.Select(p => p.Job.JobId));
        Assert.All(placements, p => Assert.Equal("w", p.WorkerId));
        Assert.Equal(new Resources(4, 4096), worker.Allocated);
        Assert.Equal(4, worker.RunningJobs);
        Assert.Equal(2, scheduler.QueueDepth);
        Assert.Empty(scheduler.Dispatch(T0.AddSeconds(11)));
    }

    [Fact]
    public void Placement_reports_enqueue_time_and_wait()
    {
        var scheduler = Scheduler(Worker("w"));
        scheduler.Enqueue(Job("j"), T0);

        var placement = Assert.Single(scheduler.Dispatch(T0.AddSeconds(7)));

        Assert.Equal(T0, placement.EnqueuedAt);
        Assert.Equal(TimeSpan.FromSeconds(7), placement.Waited);
    }

    [Fact]
    public void Wait_is_never_negative()
    {
        var scheduler = Scheduler(Worker("w"));
        scheduler.Enqueue(Job("j"), T0);
        Assert.Equal(TimeSpan.Zero, Assert.Single(scheduler.Dispatch(T0.AddSeconds(-1))).Waited);
    }

    [Fact]
    public void Release_frees_capacity_for_the_next_dispatch()
    {
        var worker = Worker("w", 2, 8192);
        var scheduler = Scheduler(worker);
        foreach (var id in new[] { "a", "b", "c" })
        {
            scheduler.Enqueue(Job(id, 1, 1024), T0);
        }

        Assert.Equal(2, scheduler.Dispatch(T0).Count);
        scheduler.Release("w", new Resources(1, 1024));

        Assert.Equal(new Resources(1, 1024), worker.Allocated);
        Assert.Equal(1, worker.RunningJobs);
        Assert.Equal("c", Assert.Single(scheduler.Dispatch(T0)).Job.JobId);
        Assert.Equal(0, scheduler.QueueDepth);
    }

    [Fact]
    public void Release_never_goes_below_zero_and_ignores_unknown_workers()
    {
        var worker = Worker("w");
        var scheduler = Scheduler(worker);
        scheduler.Release("w", new Resources(2, 2048));
        scheduler.Release("gone", new Resources(2, 2048));

        Assert.Equal(Resources.Zero, worker.Allocated);
        Assert.Equal(0, worker.RunningJobs);
    }

    [Fact]
    public void A_job_that_fits_nowhere_is_skipped_and_stays_queued_without_blocking_smaller_ones()
    {
        var scheduler = Scheduler(Worker("w", 4, 8192));
        scheduler.Enqueue(Job("huge", 16, 1024, priority: 10), T0);
        scheduler.Enqueue(Job("gpu", 1, 1024, priority: 9, labels: "gpu"), T0);
        scheduler.Enqueue(Job("small", 1, 1024), T0);

        var placements = scheduler.Dispatch(T0);

        Assert.Equal("small", Assert.Single(placements).Job.JobId);
        Assert.True(scheduler.IsQueued("huge"));
        Assert.True(scheduler.IsQueued("gpu"));
        Assert.Equal(["huge", "gpu"], scheduler.Queued.Select(j => j.JobId));
    }

    [Fact]
    public void Higher_effective_priority_is_placed_first()
    {
        var scheduler = Scheduler(Worker("w", 1, 8192));
        scheduler.Enqueue(Job("old-low", priority: 0), T0);
        scheduler.Enqueue(Job("new-high", priority: 3), T0.AddSeconds(60));
        scheduler.Enqueue(Job("newer-mid", priority: 1), T0.AddSeconds(60));

        // new-high: 3 levels vs old-low's 2 levels of aging (60 s / 30 s) → new-high first, then old-low.
        Assert.Equal("new-high", Assert.Single(scheduler.Dispatch(T0.AddSeconds(60))).Job.JobId);
        Assert.Equal(["old-low", "newer-mid"], scheduler.Queued.Select(j => j.JobId));
    }

    [Fact]
    public void Cancel_while_queued_removes_the_job_for_good()
    {
        var scheduler = Scheduler(Worker("w"));
        scheduler.Enqueue(Job("a"), T0);
        scheduler.Enqueue(Job("b"), T0);

        Assert.True(scheduler.TryRemoveQueued("a"));
        Assert.False(scheduler.TryRemoveQueued("a"));
        Assert.False(scheduler.IsQueued("a"));
        Assert.Equal("b", Assert.Single(scheduler.Dispatch(T0)).Job.JobId);
        Assert.False(scheduler.TryRemoveQueued("b"));
    }

    [Fact]
    public void Duplicate_job_id_is_rejected_while_queued_but_accepted_again_after_placement()
    {
        var scheduler = Scheduler(Worker("w"));
        scheduler.Enqueue(Job("a"), T0);
        var ex = Assert.Throws<InvalidOperationException>(() => scheduler.Enqueue(Job("a", priority: 5), T0));
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);

        scheduler.Dispatch(T0);
        scheduler.Enqueue(Job("a"), T0.AddSeconds(1)); // re-queued as a new attempt
        Assert.True(scheduler.IsQueued("a"));
    }

    [Theory]
    [InlineData(-0.5, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(1, -1)]
    public void Negative_or_nan_requests_are_rejected(double cpu, long memoryMb)
    {
        var scheduler = Scheduler(Worker("w"));
        var ex = Assert.Throws<ArgumentException>(() => scheduler.Enqueue(Job("bad", cpu, memoryMb), T0));
        Assert.Contains("'bad'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, scheduler.QueueDepth);
    }

    [Fact]
    public void A_job_without_a_label_collection_is_rejected()
    {
        var scheduler = Scheduler(Worker("w"));
        var ex = Assert.Throws<ArgumentException>(() => scheduler.Enqueue(new JobDemand("nolabels", null!, new Resources(1, 1)), T0));
        Assert.Contains("Labels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_placements_limits_one_call()
    {
        var scheduler = Scheduler(Worker("w", 16, 65536));
        for (int i = 0; i < 5; i++)
        {
            scheduler.Enqueue(Job($"j{i}"), T0);
        }

        Assert.Equal(2, scheduler.Dispatch(T0, maxPlacements: 2).Count);
        Assert.Empty(scheduler.Dispatch(T0, maxPlacements: 0));
        Assert.Equal(3, scheduler.QueueDepth);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.Dispatch(T0, maxPlacements: -1));
    }

    [Fact]
    public void Workers_that_are_not_accepting_get_nothing()
    {
        var draining = Worker("draining", 16, 65536);
        draining.Accepting = false;
        var scheduler = Scheduler(draining, Worker("open", 1, 65536));
        scheduler.Enqueue(Job("a"), T0);
        scheduler.Enqueue(Job("b"), T0);

        Assert.Equal("open", Assert.Single(scheduler.Dispatch(T0)).WorkerId);
        Assert.Equal(0, draining.RunningJobs);
    }

    [Fact]
    public void Least_loaded_spreads_jobs_across_workers()
    {
        var scheduler = Scheduler(new LeastLoadedPolicy(), Worker("a", 4), Worker("b", 4));
        for (int i = 0; i < 4; i++)
        {
            scheduler.Enqueue(Job($"j{i}"), T0);
        }

        Assert.Equal(["a", "b", "a", "b"], scheduler.Dispatch(T0).Select(p => p.WorkerId));
    }

    [Fact]
    public void Upsert_replaces_in_place_and_takes_the_new_view_as_is()
    {
        var scheduler = Scheduler(Worker("a"), Worker("b"), Worker("c"));
        var replacement = Worker("b", 32, 65536);
        replacement.Allocated = new Resources(2, 512);
        replacement.RunningJobs = 1;

        scheduler.UpsertWorker(replacement);

        Assert.Equal(["a", "b", "c"], scheduler.Workers.Select(w => w.WorkerId));
        Assert.Same(replacement, scheduler.FindWorker("b"));
        Assert.Equal(new Resources(2, 512), scheduler.Workers[1].Allocated);
        Assert.Equal(1, scheduler.Workers[1].RunningJobs);
    }

    [Fact]
    public void Removed_workers_are_forgotten()
    {
        var scheduler = Scheduler(Worker("a", 1), Worker("b", 1));
        Assert.True(scheduler.RemoveWorker("a"));
        Assert.False(scheduler.RemoveWorker("a"));
        Assert.Null(scheduler.FindWorker("a"));

        scheduler.Enqueue(Job("j1"), T0);
        scheduler.Enqueue(Job("j2"), T0);
        Assert.Equal("b", Assert.Single(scheduler.Dispatch(T0)).WorkerId);
    }

    [Fact]
    public void Dispatch_with_no_workers_or_no_jobs_places_nothing()
    {
        var scheduler = Scheduler();
        Assert.Empty(scheduler.Dispatch(T0));
        scheduler.Enqueue(Job("j"), T0);
        Assert.Empty(scheduler.Dispatch(T0));
        Assert.True(scheduler.IsQueued("j"));
    }

    [Fact]
    public void Dispatch_stops_asking_the_policy_once_every_worker_is_full()
    {
        var policy = new CountingPolicy(new FirstFitPolicy());
        var scheduler = Scheduler(policy, Worker("w", 2, 65536));
        for (int i = 0; i < 1_000; i++)
        {
            scheduler.Enqueue(Job($"j{i}"), T0);
        }

        Assert.Equal(2, scheduler.Dispatch(T0).Count);
        Assert.Equal(2, policy.Calls);

        Assert.Empty(scheduler.Dispatch(T0));
        Assert.Equal(2, policy.Calls);
    }

    [Fact]
    public void Jobs_larger_than_any_free_slot_are_skipped_without_asking_the_policy()
    {
        var policy = new CountingPolicy(new FirstFitPolicy());
        var scheduler = Scheduler(policy, Worker("a", 4, 4096), Worker("b", 2, 16384));
        scheduler.Enqueue(Job("too-many-cores", 8, 1024, priority: 2), T0);
        scheduler.Enqueue(Job("too-much-memory", 1, 32768, priority: 1), T0);
        scheduler.Enqueue(Job("fits", 4, 4096), T0);

        Assert.Equal("fits", Assert.Single(scheduler.Dispatch(T0)).Job.JobId);
        Assert.Equal(1, policy.Calls);
    }

    [Fact]
    public void Jobs_no_worker_could_ever_run_are_parked_and_do_not_block_the_queue()
    {
        var policy = new CountingPolicy(new FirstFitPolicy());
        var scheduler = Scheduler(policy, Worker("linux", 4, 8192, "linux"));
        for (int i = 0; i < 1_000; i++)
        {
            scheduler.Enqueue(Job($"gpu{i}", 1, 1024, priority: 1, labels: "gpu"), T0);
        }

        scheduler.Enqueue(Job("huge", 64, 1024, priority: 1), T0);
        scheduler.Enqueue(Job("small", 1, 1024, labels: "linux"), T0);

        Assert.Equal("small", Assert.Single(scheduler.Dispatch(T0)).Job.JobId);
        Assert.Equal(2, policy.Calls); // gpu0 and small; the other gpu jobs are recognised as no easier, huge by size
        Assert.Equal(1_001, scheduler.UnplaceableCount);
        Assert.Equal(1_001, scheduler.QueueDepth);
        Assert.True(scheduler.IsQueued("gpu500"));
        Assert.Equal("gpu0", scheduler.Queued.First().JobId);
        Assert.Contains(scheduler.Unplaceable, j => j.JobId == "huge");

        // Parked jobs cost nothing while the workers stay the same.
        Assert.Empty(scheduler.Dispatch(T0));
        Assert.Equal(2, policy.Calls);

        // A worker that offers the label brings them back, in priority order.
        scheduler.UpsertWorker(Worker("gpu-box", 2, 8192, "gpu"));
        Assert.Equal(["gpu0", "gpu1"], scheduler.Dispatch(T0).Select(p => p.Job.JobId));
        Assert.Equal(1, scheduler.UnplaceableCount);

        // So does a capacity change made in place on a view.
        // It sits behind 998 gpu jobs waiting for the busy gpu box: the sweep behind the head reaches it in a few calls.
        scheduler.FindWorker("linux")!.Capacity = new Resources(128, 8192);
        var placed = Enumerable.Range(0, 5).SelectMany(_ => scheduler.Dispatch(T0)).ToList();
        Assert.Equal("huge", Assert.Single(placed).Job.JobId);
        Assert.Equal(0, scheduler.UnplaceableCount);
    }

    [Fact]
    public void Replacing_a_worker_view_with_an_identical_one_does_not_re_examine_parked_jobs()
    {
        var policy = new CountingPolicy(new FirstFitPolicy());
        var scheduler = Scheduler(policy, Worker("w", 4, 8192, "linux"));
        scheduler.Enqueue(Job("gpu", labels: "gpu"), T0);
        scheduler.Dispatch(T0);
        Assert.Equal(1, scheduler.UnplaceableCount);

        scheduler.UpsertWorker(Worker("w", 4, 8192, "linux"));
        scheduler.Dispatch(T0);
        Assert.Equal(1, policy.Calls);
        Assert.Equal(1, scheduler.UnplaceableCount);
    }

    [Fact]
    public void Parked_jobs_can_be_cancelled_and_looked_up()
    {
        var scheduler = Scheduler(Worker("w", 4, 8192));
        scheduler.Enqueue(Job("gpu", labels: "gpu"), T0);
        scheduler.Dispatch(T0);

        Assert.Equal(1, scheduler.UnplaceableCount);
        Assert.True(scheduler.TryGetQueued("gpu", out _));
        Assert.Throws<InvalidOperationException>(() => scheduler.Enqueue(Job("gpu"), T0));
        Assert.True(scheduler.TryRemoveQueued("gpu"));
        Assert.Equal(0, scheduler.QueueDepth);
    }

    [Fact]
    public void Queued_merges_parked_and_ready_jobs_in_priority_order()
    {
        var worker = Worker("w", 2, 8192);
        worker.Allocated = new Resources(1.5, 0);
        var scheduler = Scheduler(worker);
        scheduler.Enqueue(Job("p3", 0.25, priority: 3, labels: "gpu"), T0);
        scheduler.Enqueue(Job("r2", 1, priority: 2), T0);
        scheduler.Enqueue(Job("p1", 0.25, priority: 1, labels: "gpu"), T0);
        scheduler.Enqueue(Job("r0", 1, priority: 0), T0);

        Assert.Empty(scheduler.Dispatch(T0));

        Assert.Equal(["p3", "p1"], scheduler.Unplaceable.Select(j => j.JobId));
        Assert.Equal(["p3", "r2", "p1", "r0"], scheduler.Queued.Select(j => j.JobId));
    }

    [Fact]
    public void Jobs_too_big_for_any_free_slot_right_now_stay_ready_and_a_scan_budget_bounds_the_call()
    {
        var policy = new CountingPolicy(new FirstFitPolicy());
        var worker = Worker("w", 4, 8192);
        var scheduler = Scheduler(policy, worker);
        worker.Allocated = new Resources(2, 0);
        for (int i = 0; i < 1_000; i++)
        {
            scheduler.Enqueue(Job($"big{i}", 3, 1024, priority: 1), T0);
        }

        scheduler.Enqueue(Job("small", 1, 1024), T0);

        scheduler.MaxScanPerDispatch = 100;
        Assert.Empty(scheduler.Dispatch(T0));
        Assert.Equal(0, policy.Calls);

        Assert.Equal(512, PoolScheduler.DefaultMaxScanPerDispatch);
        scheduler.MaxScanPerDispatch = 4_096; // half of it, enough for all, goes to the head of the queue
        Assert.Equal("small", Assert.Single(scheduler.Dispatch(T0)).Job.JobId);
        Assert.Equal(0, scheduler.UnplaceableCount);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.MaxScanPerDispatch = 0);
    }

    [Fact]
    public void A_job_behind_a_long_backlog_that_cannot_run_now_is_reached_within_a_few_calls()
    {
        var worker = Worker("w", 4, 8192);
        worker.Allocated = new Resources(2, 0);
        var scheduler = Scheduler(worker);
        scheduler.MaxScanPerDispatch = 100;
        for (int i = 0; i < 1_000; i++)
        {
            scheduler.Enqueue(Job($"big{i}", 3, 1024, priority: 1), T0);
        }

        scheduler.Enqueue(Job("small", 1, 1024), T0);

        // Each call looks at the first 50 jobs, then sweeps 50 further back from where the last sweep stopped.
        int calls = 0;
        IReadOnlyList<Foresight.Scheduling.Placement.Placement> placements;
        do
        {
            placements = scheduler.Dispatch(T0);
            calls++;
        }
        while (placements.Count == 0 && calls < 100);

        Assert.Equal("small", Assert.Single(placements).Job.JobId);
        Assert.InRange(calls, 15, 21);
        Assert.Equal(1_000, scheduler.QueueDepth);
    }

    // Two half-used workers: one has cores but no memory left, the other memory but no cores. A job needing
    // (2+ cores, 2 GiB) passes the largest-free-slot check yet fits neither, and could run once they drain.
    private static (PoolScheduler Scheduler, CountingPolicy Policy) Fragmented(params string[] labels)
    {
        var policy = new CountingPolicy(new FirstFitPolicy());
        var cores = Worker("cores", 4, 8192, labels);
        cores.Allocated = new Resources(0, 7168);
        var memory = Worker("memory", 4, 8192, labels);
        memory.Allocated = new Resources(3, 0);
        return (Scheduler(policy, cores, memory), policy);
    }

    [Fact]
    public void A_job_at_least_as_demanding_as_one_that_found_no_worker_is_skipped_without_asking_the_policy()
    {
        var (scheduler, policy) = Fragmented();
        for (int i = 0; i < 1_000; i++)
        {
            scheduler.Enqueue(Job($"j{i}", 2 + (i % 2), 2048 + (i % 3), priority: 1), T0);
        }

        scheduler.Enqueue(Job("small", 0.5, 512), T0);
        scheduler.MaxScanPerDispatch = 4_096;

        Assert.Equal("small", Assert.Single(scheduler.Dispatch(T0)).Job.JobId);
        Assert.Equal(2, policy.Calls);
        Assert.Equal(0, scheduler.UnplaceableCount);
    }

    [Fact]
    public void Fruitless_policy_calls_per_dispatch_are_bounded()
    {
        var (scheduler, policy) = Fragmented();
        for (int i = 0; i < 100; i++)
        {
            // Each asks slightly less than the one before, so none is ruled out by an earlier failure.
            scheduler.Enqueue(Job($"j{i}", 3.9 - (0.01 * i), 2048, priority: 1), T0);
        }

        scheduler.Enqueue(Job("small", 0.5, 512), T0);

        Assert.Equal(PoolScheduler.DefaultMaxPolicyMissesPerDispatch, scheduler.MaxPolicyMissesPerDispatch);
        Assert.Equal(64, PoolScheduler.DefaultMaxPolicyMissesPerDispatch);
        scheduler.MaxPolicyMissesPerDispatch = 10;
        Assert.Empty(scheduler.Dispatch(T0));
        Assert.Equal(10, policy.Calls);

        scheduler.MaxPolicyMissesPerDispatch = 1_000;
        Assert.Equal("small", Assert.Single(scheduler.Dispatch(T0)).Job.JobId);
        Assert.Equal(10 + 101, policy.Calls);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.MaxPolicyMissesPerDispatch = 0);
    }

    [Fact]
    public void Scanning_unplaceable_jobs_allocates_nothing_per_job()
    {
        // The only worker with both labels is busy; the idle one lacks a label, so every job costs a policy call.
        var busy = Worker("busy", 4, 8192, "linux", "x64");
        busy.Allocated = busy.Capacity;
        var policy = new CountingPolicy(new FirstFitPolicy());
        var scheduler = Scheduler(policy, busy, Worker("idle", 4, 8192, "linux"));
        for (int i = 0; i < 5_000; i++)
        {
            // Distinct shapes, so each one costs a policy call and a could-it-ever-run check.
            scheduler.Enqueue(Job($"j{i}", 3.99 - (0.0001 * i), 2048, labels: ["linux", "x64"]), T0);
        }

        scheduler.MaxPolicyMissesPerDispatch = 10_000; // half of each, enough for all, goes to the head of the queue
        scheduler.MaxScanPerDispatch = 10_000;
        scheduler.Dispatch(T0); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        var placements = scheduler.Dispatch(T0);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(placements);
        Assert.Equal(10_000, policy.Calls);
        Assert.Equal(0, scheduler.UnplaceableCount);
        Assert.True(allocated < 2_048, $"one dispatch over 5,000 jobs allocated {allocated} bytes");
    }

    [Fact]
    public void A_policy_choosing_an_impossible_worker_fails_loudly_and_changes_nothing()
    {
        var worker = Worker("w", 4, 8192);
        var scheduler = Scheduler(new ScriptedPolicy(0, 0, 0), worker);
        scheduler.Enqueue(Job("a", 1, 1024), T0);
        scheduler.Enqueue(Job("b", 1, 1024), T0);
        scheduler.Enqueue(Job("c", 1, 1024, labels: "gpu"), T0);

        // a and b fit; the policy also puts c on the worker, which lacks its label.
        var ex = Assert.Throws<InvalidOperationException>(() => scheduler.Dispatch(T0, 3));
        Assert.Contains("scripted", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, scheduler.QueueDepth);
        Assert.Equal(Resources.Zero, worker.Allocated);
        Assert.Equal(0, worker.RunningJobs);

        var outOfRange = Scheduler(new ScriptedPolicy(5), Worker("w"));
        outOfRange.Enqueue(Job("a"), T0);
        Assert.Throws<InvalidOperationException>(() => outOfRange.Dispatch(T0));
        Assert.True(outOfRange.IsQueued("a"));
    }

    [Fact]
    public void Queued_job_can_be_looked_up_with_its_enqueue_time()
    {
        var scheduler = Scheduler();
        scheduler.Enqueue(Job("a", priority: 2), T0);
        Assert.True(scheduler.TryGetQueued("a", out var queued));
        Assert.Equal(T0, queued.EnqueuedAt);
        Assert.Equal(2, queued.Priority);
        Assert.False(scheduler.TryGetQueued("b", out _));
    }
}
