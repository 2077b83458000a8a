using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Load;

/// <summary>
/// Many registered workers on one server, each an agent speaking the HTTP agent protocol to its gateway (register
/// with a registration token, heartbeat, long-poll for assignments) as real agents do: the memory the whole process
/// needs (silo, gateway, grains, and the agents themselves, since they run in the same process) and the heartbeat
/// round-trip latency. The agents share one HTTP/2 handler (cleartext, prior knowledge), so 10,000 long-polls ride
/// on a few hundred connections instead of needing 20,000 file descriptors.
/// </summary>
internal static class WorkersBenchmark
{
    private const string RegistrationToken = "workers-benchmark-registration-token";

    public static async Task<(int Workers, double RssMb, double HeartbeatP99Ms)> RunAsync(int count, TimeSpan heartbeat, TimeSpan duration)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"foresight-workers-bench-{Guid.NewGuid():n}");
        var builder = ForesightServer.CreateBuilder(["--urls", "http://127.0.0.1:0", "--silo-port", FreePort(), "--local-workers", "0"]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Server:DataDirectory"] = dataDirectory,
            ["Foresight:Logs:Directory"] = Path.Combine(dataDirectory, "logs"),
            ["Foresight:Agents:RegistrationTokens:bench:Token"] = RegistrationToken,
            // Three heartbeat periods before a worker counts as lost, as in production set-ups (the default 10 s
            // equals --heartbeat-seconds 10: one late heartbeat on a busy machine would mark a worker lost).
            ["Foresight:HeartbeatTimeout"] = (heartbeat * 3).ToString("c", CultureInfo.InvariantCulture),
            ["Logging:LogLevel:Default"] = "Warning",
            // Registration is per client address until an agent holds its credential: 10,000 agents on loopback.
            ["Foresight:Gateway:RateLimit:Burst"] = "100000000",
            ["Foresight:Gateway:RateLimit:PermitsPerPeriod"] = "100000000",
            ["Kestrel:EndpointDefaults:Protocols"] = "Http2",
            ["Kestrel:Limits:Http2:MaxStreamsPerConnection"] = "1000",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.None);
        await using var app = ForesightServer.Build(builder);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        using var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
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
        var registerRetries = 0;
        var agents = new AgentRuntime[count];
        var connections = new HttpAgentConnection[count];
        var executor = new NoOpJobExecutor();
        try
        {
            // Register in waves so start-up does not look like a thundering herd; their heartbeat clocks then spread out.
            for (var wave = 0; wave < count; wave += 500)
            {
                await Task.WhenAll(Enumerable.Range(wave, Math.Min(500, count - wave)).Select(async i =>
                {
                    connections[i] = new HttpAgentConnection([address], RegistrationToken, handler, disposeHandler: false)
                    {
                        HttpVersion = HttpVersion.Version20,
                        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    };
                    agents[i] = new AgentRuntime(connections[i], new WorkerRegistration($"w-{i:00000}", "default", ["linux"], 4, 16384), executor, options, TimeProvider.System, NullLogger.Instance);
                    for (var tries = 1; ; tries++)
                    {
                        try
                        {
                            await agents[i].StartAsync();
                            break;
                        }
                        catch (HttpRequestException) when (tries < 10)
                        {
                            // As the agent process does: a registration that did not get through is tried again.
                            Interlocked.Increment(ref registerRetries);
                            await Task.Delay(TimeSpan.FromSeconds(tries));
                        }
                    }
                }));
            }

            Console.WriteLine($"workers: {count} agents registered over HTTP ({registerRetries} registrations tried again)");
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

            return (registered, peakRss / (1024.0 * 1024), Percentiles.Of([.. latencies], 99));
        }
        finally
        {
            foreach (var agent in agents.Where(a => a is not null))
            {
                await agent.DisposeAsync();
            }

            foreach (var connection in connections.Where(c => c is not null))
            {
                connection.Dispose();
            }

            await app.StopAsync();
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static string FreePort() => Foresight.Testing.FreePorts.Next().ToString(CultureInfo.InvariantCulture);
}
