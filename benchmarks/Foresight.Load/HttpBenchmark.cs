using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Server.Hosting;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Load;

/// <summary>
/// Job submissions through the HTTP gateway: the server app (silo + gateway) in this process on a loopback port,
/// a bearer token checked on every request, and each <c>POST /api/jobs</c> answered once the job is durable (job
/// state written, queued at its scheduler). In-process no-op workers run the jobs so the queue stays short (a queue
/// that only grows would measure the scheduler's snapshot of it, not the gateway); <c>--workers 0</c> leaves them out.
/// </summary>
internal static class HttpBenchmark
{
    /// <summary>Measures the gateway, then (same process, same silo) the same submissions as direct grain calls, so the
    /// cost of HTTP, authentication and JSON shows apart from the durable job creation behind them.</summary>
    public static async Task<(double PerSecond, double P50Ms, double P99Ms, int Failed, double GrainPerSecond)> RunAsync(int requests, int concurrency, int warmup, int workers)
    {
        var token = "bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var app = InProcessServer.Build(token, "submit", out var dataDirectory);
        await app.StartAsync();
        var grains = app.Services.GetRequiredService<IGrainFactory>();
        var agents = new List<AgentRuntime>();
        try
        {
            var executor = new NoOpJobExecutor();
            for (var i = 0; i < workers; i++)
            {
                var agent = new AgentRuntime(new Foresight.Testing.GrainAgentConnection(grains), new WorkerRegistration($"http-bench-{i}", "default", ["linux"], 4, 16384), executor, new AgentOptions(), TimeProvider.System, NullLogger.Instance);
                await agent.StartAsync();
                agents.Add(agent);
            }

            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            Console.WriteLine($"http: gateway at {address}, {workers} no-op workers, warm-up {warmup} requests");
            await SubmitAsync(http, "warm", warmup, concurrency, null);
            await DrainedAsync(grains, workers);
            Console.WriteLine($"http: measuring {requests} submissions, {concurrency} concurrent");
            var latencies = new List<double>(requests);
            var clock = Stopwatch.StartNew();
            var failed = await SubmitAsync(http, "run", requests, concurrency, latencies);
            var elapsed = clock.Elapsed;
            var perSecond = requests / elapsed.TotalSeconds;
            Console.WriteLine($"http: {ThroughputBenchmark.Format(perSecond)} req/s; now the same submissions as direct grain calls");
            await DrainedAsync(grains, workers);
            clock.Restart();
            await DirectAsync(grains, requests, concurrency);
            var grainPerSecond = requests / clock.Elapsed.TotalSeconds;
            return (perSecond, Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99), failed, grainPerSecond);
        }
        finally
        {
            foreach (var agent in agents)
            {
                await agent.DisposeAsync();
            }

            await app.StopAsync();
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    /// <summary>Submits <paramref name="count"/> jobs from <paramref name="concurrency"/> loops; returns how many were not 202.</summary>
    private static async Task<int> SubmitAsync(HttpClient http, string prefix, int count, int concurrency, List<double>? latencies)
    {
        var next = -1;
        var failed = 0;
        var done = 0;
        using var progress = new CancellationTokenSource();
        var reporter = latencies is null ? Task.CompletedTask : ReportAsync(() => Volatile.Read(ref done), count, progress.Token);
        var run = Guid.NewGuid().ToString("n")[..8];
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var body = $$"""{"id":"{{prefix}}-{{run}}-{{i.ToString(CultureInfo.InvariantCulture)}}","name":"bench","command":"true","labels":["linux"]}""";
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(new Uri("/api/jobs", UriKind.Relative), content);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    if (Interlocked.Increment(ref failed) <= 3)
                    {
                        Console.Error.WriteLine($"http: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }

                if (latencies is not null)
                {
                    lock (latencies)
                    {
                        latencies.Add(elapsed);
                    }
                }

                Interlocked.Increment(ref done);
            }
        }));
        await progress.CancelAsync();
        await reporter;
        return failed;
    }

    /// <summary>With workers, waits (bounded) until they have run what was submitted, so each phase starts alike.</summary>
    private static async Task DrainedAsync(IGrainFactory grains, int workers)
    {
        var clock = Stopwatch.StartNew();
        while (workers > 0 && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            var pool = await grains.GetGrain<ISchedulerGrain>("default").GetState();
            if (pool.QueueDepth == 0 && pool.Assigned == 0)
            {
                return;
            }

            await Task.Delay(100);
        }
    }

    private static async Task DirectAsync(IGrainFactory grains, int count, int concurrency)
    {
        var next = -1;
        var run = Guid.NewGuid().ToString("n")[..8];
        var spec = new JobSpec("bench", "true", ["linux"]);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await grains.GetGrain<IJobGrain>($"direct-{run}-{i.ToString(CultureInfo.InvariantCulture)}").Submit(spec);
            }
        }));
    }

    private static async Task ReportAsync(Func<int> done, int total, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), stop);
                var n = done();
                Console.WriteLine($"  {n}/{total} requests, {ThroughputBenchmark.Format(n / clock.Elapsed.TotalSeconds)} req/s so far");
            }
        }
        catch (OperationCanceledException)
        {
            // finished
        }
    }
}
