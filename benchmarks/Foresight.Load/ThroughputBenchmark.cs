using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Load;

/// <summary>
/// End-to-end no-op jobs through one in-process silo (in-process storage, or PostgreSQL): submit → queued → placed → claimed → run by an in-process
/// agent → reported → succeeded. Counts completions and enqueue→assign waits from Foresight's own metrics.
/// </summary>
internal static class ThroughputBenchmark
{
    /// <param name="postgres">Null: in-process storage; else the connection string of a database with Foresight's schema.</param>
    public static async Task<(double JobsPerMinute, double AssignP50Ms, double AssignP99Ms)> RunAsync(int jobs, int workers, int inFlight, int shards, string? postgres = null)
    {
        using var host = await InProcessSilo.StartAsync(o => o.DefaultShards = shards, postgres);
        var grains = host.Grains();
        var succeeded = 0L;
        var waits = new ConcurrentBag<double>();
        void OnState(Foresight.Scheduling.Jobs.JobState state)
        {
            if (state == Foresight.Scheduling.Jobs.JobState.Succeeded)
            {
                Interlocked.Increment(ref succeeded);
            }
        }

        void OnWait(TimeSpan wait) => waits.Add(wait.TotalMilliseconds);
        ForesightMetrics.JobStateEntered += OnState;
        ForesightMetrics.WaitRecorded += OnWait;

        var agents = new List<AgentRuntime>();
        var executor = new NoOpJobExecutor();
        for (var i = 0; i < workers; i++)
        {
            var agent = new AgentRuntime(new Foresight.Testing.GrainAgentConnection(grains), new WorkerRegistration($"bench-{i}", "default", ["linux"], 4, 16384), executor, new AgentOptions(), TimeProvider.System, NullLogger.Instance);
            await agent.StartAsync();
            agents.Add(agent);
        }

        var spec = new JobSpec("noop", "true", ["linux"], Cpu: 1, MemoryMb: 64);
        var prefix = Guid.NewGuid().ToString("n")[..8];
        var clock = Stopwatch.StartNew();
        // Closed loop: at most inFlight jobs submitted and not yet completed, so the queue stays short and the
        // enqueue→assign latency measures the scheduler rather than a backlog the benchmark itself built.
        var submitted = 0;
        var submitters = new List<Task>(jobs);
        while (submitted < jobs)
        {
            var room = inFlight - (submitted - (int)Interlocked.Read(ref succeeded));
            for (var k = 0; k < room && submitted < jobs; k++, submitted++)
            {
                submitters.Add(grains.ByKey<IJobGrain>($"{prefix}-{submitted}").Submit(spec));
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(submitters);
        while (Interlocked.Read(ref succeeded) < jobs)
        {
            await Task.Delay(1);
            if (clock.Elapsed > TimeSpan.FromMinutes(15))
            {
                throw new TimeoutException($"only {Interlocked.Read(ref succeeded)} of {jobs} jobs succeeded in 15 minutes");
            }
        }

        var elapsed = clock.Elapsed;
        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }

        await host.StopAsync();
        ForesightMetrics.JobStateEntered -= OnState;
        ForesightMetrics.WaitRecorded -= OnWait;
        var sample = waits.ToList();
        return (jobs / elapsed.TotalMinutes, Percentiles.Of(sample, 50), Percentiles.Of(sample, 99));
    }

    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
