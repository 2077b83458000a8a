using Foresight.Abstractions.Scheduling;
using Foresight.Cluster.Tests.Support;
using Foresight.Grains.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Foresight.Cluster.Tests;

/// <summary>A scheduler partition stores its queue in segments by arrival: a write rewrites the segments that changed.</summary>
public sealed class SchedulerQueueSegmentsTests
{
    private static readonly GrainId Partition = GrainId.Create("scheduler", "segments");
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_arrival_rewrites_the_newest_segment_and_a_placement_the_segment_it_left()
    {
        var storage = new CountingStorage();
        var queue = new QueueSegments(storage, Partition);
        var size = QueueSegments.SegmentSize;
        for (var i = 0; i < 3 * size; i++)
        {
            queue.Add(Job(i));
        }

        await queue.WriteAsync();
        Assert.Equal([Name(0), Name(1), Name(2)], storage.Writes.Order(StringComparer.Ordinal));

        storage.Writes.Clear();
        queue.Add(Job(3 * size));
        await queue.WriteAsync();
        Assert.Equal([Name(3)], storage.Writes);

        storage.Writes.Clear();
        queue.Remove(Job(size + 5).JobId);
        queue.Remove("never-queued");
        await queue.WriteAsync();
        await queue.WriteAsync();
        Assert.Equal([Name(1)], storage.Writes);
        Assert.Equal(3 * size, queue.Count);
    }

    [Fact]
    public async Task An_emptied_segment_is_cleared_and_the_newest_is_written_empty()
    {
        var storage = new CountingStorage();
        var queue = new QueueSegments(storage, Partition);
        var size = QueueSegments.SegmentSize;
        for (var i = 0; i <= size; i++)
        {
            queue.Add(Job(i));
        }

        await queue.WriteAsync();
        for (var i = 0; i <= size; i++)
        {
            queue.Remove(Job(i).JobId);
        }

        await queue.WriteAsync();

        Assert.Equal([Name(0)], storage.Clears);
        Assert.False(storage.Holds(Name(0)));
        Assert.True(storage.Holds(Name(1)));
        Assert.Empty(queue.Live);
        Assert.Equal(0, queue.Count);

        // Once arrivals move on to the next segment, the emptied one before it is cleared too.
        for (var i = size + 1; i < 2 * size; i++)
        {
            queue.Add(Job(i));
            queue.Remove(Job(i).JobId);
        }

        queue.Add(Job(2 * size));
        await queue.WriteAsync();
        Assert.Equal([Name(0), Name(1)], storage.Clears);
        Assert.Equal([2L], queue.Live);
    }

    [Fact]
    public async Task A_new_activation_reads_the_named_segments_and_numbers_arrivals_after_them()
    {
        var storage = new CountingStorage();
        var queue = new QueueSegments(storage, Partition);
        var size = QueueSegments.SegmentSize;
        for (var i = 0; i < size + 10; i++)
        {
            queue.Add(Job(i));
        }

        queue.Add(Job(3) with { Attempt = 2 }); // a new attempt moves the job to the newest segment
        await queue.WriteAsync();

        var restored = new QueueSegments(storage, Partition);
        await restored.ReadAsync(queue.Live, queue.NextSequence);

        Assert.Equal([0L, 1L], restored.Live);
        Assert.Equal(size + 10, restored.Count);
        Assert.Equal(2, restored.All.Single(j => j.JobId == Job(3).JobId).Attempt);
        storage.Writes.Clear();
        restored.Add(Job(size + 10));
        await restored.WriteAsync();
        Assert.Equal([Name(1)], storage.Writes);
    }

    [Fact]
    public async Task A_segment_an_earlier_activation_wrote_without_naming_it_is_replaced_not_refused()
    {
        var storage = new CountingStorage();
        var earlier = new QueueSegments(storage, Partition);
        earlier.Add(Job(1));
        await earlier.WriteAsync(); // its main state (naming segment 0) was never written

        var later = new QueueSegments(storage, Partition);
        await later.ReadAsync([], 0);
        later.Add(Job(2));
        await later.WriteAsync();

        var restored = new QueueSegments(storage, Partition);
        await restored.ReadAsync(later.Live, later.NextSequence);
        Assert.Equal([Job(2).JobId], restored.All.Select(j => j.JobId));
    }

    [Fact]
    public async Task A_job_found_in_two_segments_is_kept_once_at_its_latest_attempt()
    {
        var storage = new CountingStorage();
        var size = QueueSegments.SegmentSize;
        var first = new QueueSegments(storage, Partition);
        first.Add(Job(0));
        for (var i = 1; i < size; i++)
        {
            first.Add(Job(i));
        }

        await first.WriteAsync();
        var second = new QueueSegments(storage, Partition);
        await second.ReadAsync([0], size);
        second.Add(Job(0) with { Attempt = 2 }); // moves it to segment 1 ...
        storage.FailNext = true; // ... but segment 0's write is lost: segment 1 is written, segment 0 still holds attempt 1
        await Assert.ThrowsAsync<IOException>(second.WriteAsync);

        var restored = new QueueSegments(storage, Partition);
        await restored.ReadAsync([0, 1], 2 * size);

        Assert.Equal(size, restored.Count);
        Assert.Equal(2, restored.All.Single(j => j.JobId == Job(0).JobId).Attempt);
    }

    [Fact]
    public async Task A_segment_whose_write_failed_is_written_with_the_next_write()
    {
        var storage = new CountingStorage { FailNext = true };
        var queue = new QueueSegments(storage, Partition);
        queue.Add(Job(1));

        await Assert.ThrowsAsync<IOException>(queue.WriteAsync);
        await queue.WriteAsync();

        var restored = new QueueSegments(storage, Partition);
        await restored.ReadAsync(queue.Live, queue.NextSequence);
        Assert.Equal(Job(1).JobId, Assert.Single(restored.All).JobId);
    }

    [Fact]
    public async Task A_queue_stored_whole_before_the_segments_is_moved_into_segments_and_kept()
    {
        await using var cluster = await ForesightCluster.StartAsync(1);
        var scheduler = cluster.Client.GetGrain<ISchedulerGrain>("legacy-queue");
        var storage = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("jobs");
        var legacy = new SchedulerState { Queue = [Job(1), Job(2) with { NotBefore = DateTimeOffset.UtcNow.AddHours(1) }] };
        await storage.WriteStateAsync("scheduler", scheduler.GetGrainId(), new GrainState<SchedulerState>(legacy));

        Assert.Equal(2, (await scheduler.GetState()).QueueDepth);
        await scheduler.Enqueue([Job(3)]); // answered once its write, the move included, is done

        var main = new GrainState<SchedulerState>(new SchedulerState());
        await storage.ReadStateAsync("scheduler", scheduler.GetGrainId(), main);
        Assert.Empty(main.State!.Queue);
        var segments = new QueueSegments(storage, scheduler.GetGrainId());
        await segments.ReadAsync(main.State.QueueSegments, main.State.NextQueueSequence);
        Assert.Equal([Job(1).JobId, Job(2).JobId, Job(3).JobId], segments.All.Select(j => j.JobId).Order(StringComparer.Ordinal));
        Assert.Equal(3, (await scheduler.GetState()).QueueDepth);
    }

    private static string Name(long segment) => QueueSegments.StatePrefix + segment;

    private static QueuedJob Job(int i) => new($"job-{i:D5}", 1, ["no-such-label"], 1, 256, 0, Start.AddSeconds(i));
}
