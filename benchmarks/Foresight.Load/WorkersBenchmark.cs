using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Client;
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
/// with a registration token, heartbeat, long-poll for assignments) as real agents do. The server runs in this
/// process; the agents run in a child process (<c>workers-agents</c>), as agents are other processes in production,
/// so <c>rss_mb</c> is the server's memory (silo, gateway, grains) and <c>agents_rss_mb</c> the agents'. The agents
/// share one HTTP/2 handler (cleartext, prior knowledge), so 10,000 long-polls ride on a few connections.
/// </summary>
internal static class WorkersBenchmark
{
    private const string RegistrationToken = "workers-benchmark-registration-token";
    private const string RegisteredLine = "agents registered";
    private const string LatencyPrefix = "agents heartbeat_p99_ms=";

    public static async Task<(int Workers, double RssMb, double HeartbeatP99Ms, double AgentsRssMb)> RunAsync(int count, TimeSpan heartbeat, TimeSpan duration)
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
        using var agents = StartAgents(address, count, heartbeat);
        var output = new BlockingCollection<string>();
        agents.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                Console.WriteLine(line);
                output.Add(line);
            }
            else
            {
                output.CompleteAdding();
            }
        };
        agents.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                Console.Error.WriteLine(line);
            }
        };
        agents.BeginOutputReadLine();
        agents.BeginErrorReadLine();
        try
        {
            await Task.Run(() => WaitForLine(output, l => l.Contains(RegisteredLine, StringComparison.Ordinal), agents));
            var (peakRss, agentsPeakRss) = (0L, 0L);
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                using var self = Process.GetCurrentProcess();
                peakRss = Math.Max(peakRss, self.WorkingSet64);
                agents.Refresh();
                agentsPeakRss = Math.Max(agentsPeakRss, agents.WorkingSet64);
            }

            // Where the memory is: the managed heap's live size and what the GC holds committed for it.
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"workers gc: heap_mb={info.HeapSizeBytes / 1048576.0:0} committed_mb={info.TotalCommittedBytes / 1048576.0:0} fragmented_mb={info.FragmentedBytes / 1048576.0:0} live_after_full_gc_mb={GC.GetTotalMemory(forceFullCollection: true) / 1048576.0:0} rss_now_mb={Environment.WorkingSet / 1048576.0:0}"));

            var registered = 0;
            foreach (var batch in Enumerable.Range(0, count).Chunk(1000))
            {
                var states = await Task.WhenAll(batch.Select(i => grains.GetGrain<IWorkerGrain>(WorkerId(i)).GetState()));
                registered += states.Count(s => s.State == Foresight.Scheduling.Workers.WorkerState.Available);
            }

            // Stop the agents (stdin closed): they print their heartbeat latency and deregister.
            agents.StandardInput.Close();
            var latency = await Task.Run(() => WaitForLine(output, l => l.StartsWith(LatencyPrefix, StringComparison.Ordinal), agents));
            await agents.WaitForExitAsync();
            return (registered, peakRss / (1024.0 * 1024), double.Parse(latency[LatencyPrefix.Length..], CultureInfo.InvariantCulture), agentsPeakRss / (1024.0 * 1024));
        }
        finally
        {
            if (!agents.HasExited)
            {
                agents.Kill(entireProcessTree: true);
                await agents.WaitForExitAsync();
            }

            await app.StopAsync();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException e)
            {
                // Best effort: the measurement is made; a file still being written must not hide it.
                Console.Error.WriteLine($"workers: {dataDirectory} not removed: {e.Message}");
            }
        }
    }

    /// <summary>
    /// The agents' side (<c>workers-agents</c>, run by <see cref="RunAsync"/> in a child process): <paramref name="count"/>
    /// agents register in waves, heartbeat and long-poll until standard input closes, then print their heartbeat
    /// round-trip p99 and stop.
    /// </summary>
    public static async Task RunAgentsAsync(Uri server, int count, TimeSpan heartbeat)
    {
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
                    connections[i] = new HttpAgentConnection([server], RegistrationToken, handler, disposeHandler: false)
                    {
                        HttpVersion = HttpVersion.Version20,
                        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    };
                    agents[i] = new AgentRuntime(connections[i], new WorkerRegistration(WorkerId(i), "default", ["linux"], 4, 16384), executor, options, TimeProvider.System, NullLogger.Instance);
                    for (var tries = 1; ; tries++)
                    {
                        try
                        {
                            await agents[i].StartAsync();
                            break;
                        }
                        catch (Exception e) when (tries < 10 && e is HttpRequestException or TimeoutException or OperationCanceledException or ForesightApiException)
                        {
                            // As the agent process does: a registration that did not get through (refused, timed out
                            // or answered 5xx on a loaded machine) is tried again.
                            Interlocked.Increment(ref registerRetries);
                            await Task.Delay(TimeSpan.FromSeconds(tries));
                        }
                    }
                }));
            }

            Console.WriteLine($"workers: {count} {RegisteredLine} over HTTP ({registerRetries} registrations tried again)");
            Volatile.Write(ref measuring, true);
            await Task.Run(() => Console.In.ReadToEnd());
            Volatile.Write(ref measuring, false);
            Console.WriteLine($"{LatencyPrefix}{Percentiles.Of([.. latencies], 99).ToString(CultureInfo.InvariantCulture)}");
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
        }
    }

    private static string WorkerId(int i) => $"w-{i:00000}";

    /// <summary>This program again (<c>dotnet Foresight.Load.dll workers-agents …</c>), with its standard streams redirected.</summary>
    private static Process StartAgents(Uri server, int count, TimeSpan heartbeat)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     Assembly.GetEntryAssembly()!.Location, "workers-agents", "--server", server.AbsoluteUri,
                     "--count", count.ToString(CultureInfo.InvariantCulture),
                     "--heartbeat-seconds", heartbeat.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                 })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private static string WaitForLine(BlockingCollection<string> output, Func<string, bool> match, Process agents)
    {
        foreach (var line in output.GetConsumingEnumerable())
        {
            if (match(line))
            {
                return line;
            }
        }

        // Ended: let its error output drain and say how it ended.
        agents.WaitForExit();
        Console.Error.WriteLine($"workers: the agents' process exited with {agents.ExitCode}");

        throw new InvalidOperationException("the agents' process ended before printing the expected line (its output above says why)");
    }

    private static string FreePort() => Foresight.Testing.FreePorts.Next().ToString(CultureInfo.InvariantCulture);
}
