using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Profiles;
using Foresight.Integration.Tests.Support;
using Foresight.Scheduling.Jobs;

namespace Foresight.Integration.Tests;

/// <summary>Job profiles are kept in the grain storage on PostgreSQL: they outlive a full cluster restart.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ProfileStorageTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_profile_fed_by_finished_jobs_reads_back_the_same_after_a_full_cluster_restart()
    {
        var cs = await postgres.NewDatabaseAsync();
        var spec = new JobSpec("profiled", "true", ["linux"], Cpu: 1, MemoryMb: 64) { Profile = "pg/build" };
        var ids = Enumerable.Range(0, 4).Select(i => $"profiled-{i}").ToList();
        var key = ProfileKeys.Grain("default", "pg/build");

        ProfileView before;
        await using (var cluster = await PostgresTestCluster.StartAsync(cs, silos: 2))
        {
            await cluster.StartAgentAsync("agent-0");
            foreach (var id in ids)
            {
                await cluster.Job(id).Submit(spec);
                Assert.Equal(JobState.Succeeded, (await cluster.WaitForEndAsync([id], TimeSpan.FromSeconds(60))).Single().State);
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while ((await cluster.Client.GetGrain<IProfileGrain>(key).Get())?.Count != ids.Count)
            {
                deadline.Token.ThrowIfCancellationRequested();
                await Task.Delay(50, CancellationToken.None);
            }

            before = (await cluster.Client.GetGrain<IProfileGrain>(key).Get())!;
        }

        await using (var cluster = await PostgresTestCluster.StartAsync(cs, silos: 2))
        {
            var after = await cluster.Client.GetGrain<IProfileGrain>(key).Get();
            Assert.NotNull(after);
            Assert.Equal(ids.Count, after.Count);
            Assert.Equal(before.MeanSeconds, after.MeanSeconds, 9);
            Assert.Equal(before.EwmaSeconds, after.EwmaSeconds, 9);
            Assert.Equal(before.Runs.Select(r => r.DurationSeconds), after.Runs.Select(r => r.DurationSeconds));
            Assert.Contains("pg/build", await cluster.Client.GetGrain<IProfileIndexGrain>("default").Keys());
        }
    }
}
