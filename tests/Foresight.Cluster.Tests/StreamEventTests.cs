using System.Collections.Concurrent;
using Foresight.Abstractions.Events;
using Foresight.Abstractions.Jobs;
using Foresight.Cluster.Tests.Support;
using Foresight.Scheduling.Jobs;
using Orleans.Streams;

namespace Foresight.Cluster.Tests;

/// <summary>Workers publish heartbeats and schedulers publish load events on the <c>events</c> stream provider, keyed by pool.</summary>
public sealed class StreamEventTests
{
    [Fact]
    public async Task Heartbeat_and_load_events_arrive_on_the_pools_streams()
    {
        await using var cluster = await ForesightCluster.StartAsync(2);
        var provider = cluster.Client.GetStreamProvider(StreamNames.Provider);
        var heartbeats = new ConcurrentQueue<HeartbeatEvent>();
        var load = new ConcurrentQueue<LoadEvent>();
        await provider.GetStream<HeartbeatEvent>(StreamId.Create(StreamNames.Heartbeats, "events-pool"))
            .SubscribeAsync((e, _) => { heartbeats.Enqueue(e); return Task.CompletedTask; });
        await provider.GetStream<LoadEventBatch>(StreamId.Create(StreamNames.Load, "events-pool"))
            .SubscribeAsync((b, _) => { foreach (var e in b.Events) { load.Enqueue(e); } return Task.CompletedTask; });

        await cluster.StartAgentAsync("ev-1", new GateExecutor(), pool: "events-pool");
        for (var i = 0; i < 5; i++)
        {
            await cluster.Job($"ev-job-{i}").Submit(new JobSpec("ev", "true", ["linux"], Pool: "events-pool"));
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(JobState.Succeeded, (await cluster.WaitForEndAsync($"ev-job-{i}")).State);
        }

        await Eventually.HoldsAsync(
            () => load.Count(e => e.Kind == LoadEventKind.Completed) >= 5 && heartbeats.Any(h => h.WorkerId == "ev-1"),
            TimeSpan.FromSeconds(20),
            () => $"{load.Count} load events, {heartbeats.Count} heartbeats");
        for (var i = 0; i < 5; i++)
        {
            var id = $"ev-job-{i}";
            Assert.Contains(load, e => e.Kind == LoadEventKind.Arrival && e.JobId == id);
            Assert.Contains(load, e => e.Kind == LoadEventKind.Started && e.JobId == id && e.Wait >= TimeSpan.Zero);
            Assert.Contains(load, e => e.Kind == LoadEventKind.Completed && e.JobId == id && e.Duration >= TimeSpan.Zero);
        }

        Assert.Contains(load, e => e.Kind == LoadEventKind.QueueDepth);
        Assert.All(heartbeats, h => Assert.Equal("events-pool", h.Pool));
    }
}
