using Foresight.Abstractions.Jobs;
using Foresight.Integration.Tests.Support;
using Foresight.Scheduling.Jobs;
using Npgsql;

namespace Foresight.Integration.Tests;

/// <summary>A cluster on PostgreSQL runs jobs to completion, and everything it accepted outlives the whole cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterRestartTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Jobs_complete_and_after_a_full_cluster_restart_finished_jobs_read_back_and_queued_ones_run()
    {
        var cs = await postgres.NewDatabaseAsync();
        var spec = new JobSpec("noop", "true", ["linux"], Cpu: 1, MemoryMb: 64);
        var done = Enumerable.Range(0, 120).Select(i => $"restart-{i}").Append("123").Append("0123").ToList();
        var waiting = Enumerable.Range(0, 5).Select(i => $"waiting-{i}").ToList();

        IReadOnlyList<JobRecord> before;
        await using (var cluster = await PostgresTestCluster.StartAsync(cs, silos: 2))
        {
            for (var i = 0; i < 4; i++)
            {
                await cluster.StartAgentAsync($"agent-{i}");
            }

            await Task.WhenAll(done.Select(id => cluster.Job(id).Submit(spec)));
            // A pool with no worker yet: these stay queued across the restart.
            await Task.WhenAll(waiting.Select(id => cluster.Job(id).Submit(spec with { Pool = "later" })));
            before = await cluster.WaitForEndAsync(done, TimeSpan.FromSeconds(90));
            Assert.All(before, r => Assert.Equal(JobState.Succeeded, r.State));
            Assert.All(await Task.WhenAll(waiting.Select(id => cluster.Job(id).GetState())), r => Assert.Equal(JobState.Queued, r.State));
        }

        // Nothing of the first cluster is left but the database: every silo stopped, its membership rows say so.
        Assert.Equal(0L, await CountAsync(cs, "SELECT count(*) FROM orleans_membership WHERE status = 3"));

        await using (var cluster = await PostgresTestCluster.StartAsync(cs, silos: 2))
        {
            var after = await Task.WhenAll(done.Select(id => cluster.Job(id).GetState()));
            Assert.Equal(
                before.Select(r => (r.JobId, r.State, r.Attempts.Count, r.Attempts[^1].WorkerId, r.FinishedAt)).OrderBy(x => x.JobId, StringComparer.Ordinal),
                after.Select(r => (r.JobId, r.State, r.Attempts.Count, r.Attempts[^1].WorkerId, r.FinishedAt)).OrderBy(x => x.JobId, StringComparer.Ordinal));

            await cluster.StartAgentAsync("late-agent", pool: "later");
            var resumed = await cluster.WaitForEndAsync(waiting, TimeSpan.FromSeconds(60));
            Assert.All(resumed, r =>
            {
                Assert.Equal(JobState.Succeeded, r.State);
                Assert.Equal("late-agent", r.Attempts.Single().WorkerId);
            });
        }

        // One stored record per job, none shared ("123" and "0123" too).
        Assert.Equal(done.Count + waiting.Count, await CountAsync(cs, "SELECT count(*) FROM orleans_storage WHERE graintypestring = 'job'"));
    }

    private static async Task<long> CountAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
