using Foresight.Abstractions.Scheduling;
using Foresight.Cluster.Tests.Support;
using Foresight.Grains.Scheduling;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Foresight.Cluster.Tests;

/// <summary>A scheduler partition stores the attempts it placed in segments by placement: a write rewrites the
/// segments that changed, not every attempt in flight.</summary>
public sealed class SchedulerPlacedSegmentsTests
{
    private static readonly GrainId Partition = GrainId.Create("scheduler", "placed-segments");
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_placement_rewrites_the_newest_segment_and_a_release_the_segment_it_left()
    {
        var storage = new CountingStorage();
        var placed = new PlacedSegments(storage, Partition);
        var size = PlacedSegments.SegmentSize;
        for (var i = 0; i < 3 * size; i++)
        {
            placed.Add(Placed(i));
        }

        await placed.WriteAsync();
        Assert.Equal([Name(0), Name(1), Name(2)], storage.Writes.Order(StringComparer.Ordinal));

        storage.Writes.Clear();
        placed.Add(Placed(3 * size));
        placed.Remove(Placed(size + 1).Job.JobId);
        placed.Remove(Placed(size + 2).Job.JobId);
        await placed.WriteAsync();
        Assert.Equal([Name(1), Name(3)], storage.Writes.Order(StringComparer.Ordinal));

        var restored = new PlacedSegments(storage, Partition);
        await restored.ReadAsync(placed.Live, placed.NextSequence);
        Assert.Equal(3 * size - 1, restored.Count);
        Assert.Equal(placed.All.Select(p => p.Job.JobId).Order(StringComparer.Ordinal), restored.All.Select(p => p.Job.JobId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_job_placed_again_is_held_once_at_its_latest_attempt()
    {
        var storage = new CountingStorage();
        var placed = new PlacedSegments(storage, Partition);
        var size = PlacedSegments.SegmentSize;
        for (var i = 0; i < size; i++)
        {
            placed.Add(Placed(i));
        }

        await placed.WriteAsync();
        var again = Placed(3) with { Job = Placed(3).Job with { Attempt = 2 }, WorkerId = "w-other" };
        placed.Add(again);
        await placed.WriteAsync();

        var restored = new PlacedSegments(storage, Partition);
        await restored.ReadAsync(placed.Live, placed.NextSequence);
        Assert.Equal(size, restored.Count);
        Assert.Equal(again, Assert.Single(restored.All, p => p.Job.JobId == again.Job.JobId));
    }

    [Fact]
    public async Task Placed_attempts_stored_whole_before_the_segments_are_moved_into_segments_and_kept()
    {
        await using var cluster = await ForesightCluster.StartAsync(1);
        var scheduler = cluster.Client.GetGrain<ISchedulerGrain>("legacy-placed");
        var storage = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("jobs");
        var now = DateTimeOffset.UtcNow;
        var legacy = new SchedulerState { Placed = [Placed(1) with { PlacedAt = now }, Placed(2) with { PlacedAt = now }], Placements = 2 };
        await storage.WriteStateAsync("scheduler", scheduler.GetGrainId(), new GrainState<SchedulerState>(legacy));

        Assert.Equal(2, (await scheduler.GetState()).Assigned);
        await scheduler.Enqueue([Job(3)]); // answered once its write, the move included, is done

        var main = new GrainState<SchedulerState>(new SchedulerState());
        await storage.ReadStateAsync("scheduler", scheduler.GetGrainId(), main);
        Assert.Empty(main.State!.Placed);
        var segments = new PlacedSegments(storage, scheduler.GetGrainId());
        await segments.ReadAsync(main.State.PlacedSegments, main.State.NextPlacedSequence);
        Assert.Equal([Job(1).JobId, Job(2).JobId], segments.All.Select(p => p.Job.JobId).Order(StringComparer.Ordinal));
        var state = await scheduler.GetState();
        Assert.Equal(2, state.Assigned);
        Assert.Equal(1, state.QueueDepth);
    }

    private static string Name(long segment) => PlacedSegments.StatePrefix + segment;

    private static QueuedJob Job(int i) => new($"job-{i:D5}", 1, ["no-such-label"], 1, 256, 0, Start.AddSeconds(i));

    private static PlacedAttempt Placed(int i) => new(Job(i), $"w-{i % 7}", Start.AddSeconds(i + 1));
}
