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

            var failedWrites = await StorageWriteErrorsAsync();
            await Task.WhenAll(done.Select(id => cluster.Job(id).Submit(spec)));
            // A pool with no worker yet: these stay queued across the restart.
            await Task.WhenAll(waiting.Select(id => cluster.Job(id).Submit(spec with { Pool = "later" })));
            before = await cluster.WaitForEndAsync(done, TimeSpan.FromSeconds(90));
            Assert.All(before, r => Assert.Equal(JobState.Succeeded, r.State));
            Assert.All(await Task.WhenAll(waiting.Select(id => cluster.Job(id).GetState())), r => Assert.Equal(JobState.Queued, r.State));

            // One activation per grain and one write at a time per record: every write was counted, none met a
            // version it did not expect.
            Assert.True(await StorageWritesAsync() > 0);
            Assert.Equal(failedWrites, await StorageWriteErrorsAsync());
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

    private static Task<double> StorageWriteErrorsAsync() => MetricSumAsync("foresight_storage_write_errors_total{");

    private static Task<double> StorageWritesAsync() => MetricSumAsync("foresight_storage_write_duration_seconds_count{");

    /// <summary>The silos' samples of one metric, every storage summed (the silos run in this process, so they share
    /// its metrics registry).</summary>
    private static async Task<double> MetricSumAsync(string prefix)
    {
        using var text = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(text);
        return System.Text.Encoding.UTF8.GetString(text.ToArray())
            .Split('\n')
            .Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<long> CountAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
