using Foresight.Abstractions.Jobs;
using Foresight.Cluster.Tests.Support;
using Foresight.Scheduling.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Foresight.Cluster.Tests;

/// <summary>The in-process grain storage keeps a private copy of each state: what a grain changes after a write, or
/// in what it read, stays out of the stored record until written; versions refuse stale and blind writes.</summary>
public sealed class InProcessStorageTests
{
    [Fact]
    public async Task A_record_is_a_copy_neither_the_writer_nor_a_reader_can_change_and_versions_refuse_stale_writes()
    {
        await using var cluster = await ForesightCluster.StartAsync(1);
        var storage = cluster.Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>("jobs");
        var id = GrainId.Create("job", "copy-1");
        var spec = new JobSpec("build", "make", ["linux"]);
        var written = new JobRecord { JobId = "copy-1", Spec = spec, State = JobState.Queued, Attempts = [new AttemptRecord { Number = 1 }] };
        var state = new GrainState<JobRecord>(written);
        await storage.WriteStateAsync("job", id, state);
        Assert.Equal("1", state.ETag);

        written.State = JobState.Running;
        written.Attempts[0].WorkerId = "w-1";
        written.Attempts.Add(new AttemptRecord { Number = 2 });

        var read = new GrainState<JobRecord>(new JobRecord());
        await storage.ReadStateAsync("job", id, read);
        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        Assert.Equal(JobState.Queued, read.State!.State);
        Assert.Null(Assert.Single(read.State.Attempts).WorkerId);
        Assert.Equal(spec, read.State.Spec);

        read.State.Attempts[0].Reason = "changed by a reader";
        var again = new GrainState<JobRecord>(new JobRecord());
        await storage.ReadStateAsync("job", id, again);
        Assert.Null(Assert.Single(again.State!.Attempts).Reason);
        Assert.NotSame(read.State, again.State);

        await storage.WriteStateAsync("job", id, state);
        Assert.Equal("2", state.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", id, read)); // read at 1, now 2
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("job", id, new GrainState<JobRecord>(new JobRecord())));

        await storage.ReadStateAsync("job", id, again);
        Assert.Equal(JobState.Running, again.State.State);
        Assert.Equal(["w-1", null], again.State.Attempts.Select(a => a.WorkerId));

        await storage.ClearStateAsync("job", id, again);
        var cleared = new GrainState<JobRecord>(new JobRecord());
        await storage.ReadStateAsync("job", id, cleared);
        Assert.False(cleared.RecordExists);
    }
}
