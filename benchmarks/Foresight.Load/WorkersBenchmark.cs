using System.Collections.Concurrent;
using System.Diagnostics;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Load;

/// <summary>
/// Many registered workers heartbeating on one silo: the memory the whole process needs (silo, grains, and the
/// agents themselves, since they run in the same process) and the heartbeat round-trip latency.
/// </summary>
internal static class WorkersBenchmark
{
    public static async Task<(int Workers, double RssMb, double HeartbeatP99Ms)> RunAsync(int count, TimeSpan heartbeat, TimeSpan duration)
    {
        using var host = await InProcessSilo.StartAsync();
        var grains = host.Grains();
        var latencies = new ConcurrentBag<double>();
        var measuring = false;
        var options = new AgentOptions
        {
            HeartbeatPeriod = heartbeat,
            HeartbeatAnswered = rtt =>
            {
                if (Volatile.Read(ref measuring))
                {
                    latencies.Add(rtt.TotalMilliseconds);
                }
            },
        };
        var agents = new AgentRuntime[count];
        var executor = new NoOpJobExecutor();
        // Register in waves so start-up does not look like a thundering herd; their heartbeat clocks then spread out.
        for (var wave = 0; wave < count; wave += 500)
        {
            await Task.WhenAll(Enumerable.Range(wave, Math.Min(500, count - wave)).Select(async i =>
            {
                agents[i] = new AgentRuntime(grains, new WorkerRegistration($"w-{i:00000}", "default", ["linux"], 4, 16384), executor, options, TimeProvider.System, NullLogger.Instance);
                await agents[i].StartAsync();
            }));
        }

        Volatile.Write(ref measuring, true);
        var peakRss = 0L;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            using var self = Process.GetCurrentProcess();
            peakRss = Math.Max(peakRss, self.WorkingSet64);
        }

        var registered = 0;
        foreach (var batch in agents.Chunk(1000))
        {
            var states = await Task.WhenAll(batch.Select(a => grains.GetGrain<IWorkerGrain>(a.Registration.WorkerId).GetState()));
            registered += states.Count(s => s.State == Foresight.Scheduling.Workers.WorkerState.Available);
        }

        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }

        await host.StopAsync();
        return (registered, peakRss / (1024.0 * 1024), Percentiles.Of([.. latencies], 99));
    }
}
