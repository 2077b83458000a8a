using System.Diagnostics;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Foresight.Load;

/// <summary>
/// The same no-op workload through Hangfire with the same worker count: what a .NET team would pick instead, on
/// its in-memory storage or on Hangfire.PostgreSql. 8 producers enqueue; the clock stops when the last job has run.
/// </summary>
internal static class HangfirePeer
{
    private static long _done;

    public static void NoOp() => Interlocked.Increment(ref _done);

    /// <summary>
    /// Hangfire.PostgreSql in its own schema, tuned for throughput as its documentation allows: workers are woken
    /// by LISTEN/NOTIFY (long polling) and otherwise poll every 100 ms instead of the default 15 s.
    /// </summary>
    public static JobStorage PostgresStorage(string connectionString, string schema)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = schema,
            PrepareSchemaIfNecessary = true,
            EnableLongPolling = true,
            QueuePollInterval = TimeSpan.FromMilliseconds(100),
        };
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, options, null), options);
    }

    public static async Task<double> RunAsync(int jobs, int workers, JobStorage storage)
    {
        Interlocked.Exchange(ref _done, 0);
        var client = new BackgroundJobClient(storage);
        using var server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers }, storage);
        var clock = Stopwatch.StartNew();
        const int producers = 8;
        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = p; i < jobs; i += producers)
            {
                client.Enqueue(() => NoOp());
            }
        })));
        while (Interlocked.Read(ref _done) < jobs)
        {
            await Task.Delay(5);
            if (clock.Elapsed > TimeSpan.FromMinutes(45))
            {
                throw new TimeoutException($"Hangfire ran only {Interlocked.Read(ref _done)} of {jobs} jobs in 45 minutes");
            }
        }

        var elapsed = clock.Elapsed;
        server.SendStop();
        return jobs / elapsed.TotalMinutes;
    }
}
