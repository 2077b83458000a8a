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
using Foresight.Grains.Hosting;
using Foresight.Server.Hosting;
using Foresight.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
/// With a batch size the same goes through <c>POST /api/jobs:batch</c>, that many jobs per request.
/// </summary>
internal static class HttpBenchmark
{
    /// <summary>The process counts as idle below this CPU use (a tenth of a core: timers, polls, the metrics' collection).</summary>
    private const double IdleCpuMsPerSecond = 150;

    /// <summary>
    /// What one measured phase gave: requests and jobs per second, request latency percentiles, failures, and the CPU
    /// time this whole process (client, gateway, silo and the in-process workers running the jobs) used per request —
    /// the cost of a submission, which depends far less than the rates on the share of a busy machine the run gets.
    /// </summary>
    public sealed record Phase(double RequestsPerSecond, double JobsPerSecond, double P50Ms, double P99Ms, int Failed, double CpuMsPerRequest);

    /// <summary>Measures the gateway, then (same process, same silo; single submissions only) the same submissions as
    /// direct grain calls, so the cost of HTTP, authentication and JSON shows apart from the durable job creation.</summary>
    public static async Task<(Phase Gateway, double? GrainPerSecond)> RunAsync(int requests, int concurrency, int warmup, int workers, int batch)
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
            var target = batch > 0 ? Target.Batch(batch) : Target.Single;
            Console.WriteLine($"http: gateway at {address}, {workers} no-op workers, {target.Path}{(batch > 0 ? $" with {batch} jobs per request" : "")}, warm-up {warmup} requests");
            var gateway = await MeasureAsync(address, token, target, requests, concurrency, warmup, async () =>
            {
                await DrainedAsync(grains, workers);
                await IdleAsync();
            });
            if (batch > 0)
            {
                return (gateway, null);
            }

            Console.WriteLine("http: now the same submissions as direct grain calls");
            await DrainedAsync(grains, workers);
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await DirectAsync(grains, requests, concurrency);
            var perSecond = requests / clock.Elapsed.TotalSeconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / requests;
            Console.WriteLine($"http: direct grain calls {ThroughputBenchmark.Format(perSecond)}/s, {ThroughputBenchmark.Format(cpuMs)} CPU ms per submission");
            return (gateway, perSecond);
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

    /// <summary>
    /// The ceiling: the same requests (same body, same bearer header, same client) against a minimal ASP.NET Core app
    /// in this process — Kestrel on loopback and one <c>POST /api/jobs</c> route that answers 202 and does nothing
    /// else: no authentication, no rate limiter, no JSON, no grain. What the machine allows HTTP alone.
    /// </summary>
    public static async Task<Phase> CeilingAsync(int requests, int concurrency, int warmup)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var app = builder.Build();
        app.MapPost("/api/jobs", () => Results.StatusCode(StatusCodes.Status202Accepted));
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            Console.WriteLine($"http: ceiling at {address} (a route answering 202, nothing else), warm-up {warmup} requests");
            return await MeasureAsync(address, "ceiling", Target.Single, requests, concurrency, warmup, IdleAsync);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    /// <summary>A route and its body: one job per request, or a batch of jobs.</summary>
    private sealed record Target(string Path, int JobsPerRequest, HttpStatusCode Expected, Func<string, string> Body)
    {
        public static readonly Target Single = new("/api/jobs", 1, HttpStatusCode.Accepted, Job);

        public static Target Batch(int size) =>
            new("/api/jobs:batch", size, HttpStatusCode.OK, id => "[" + string.Join(',', Enumerable.Range(0, size).Select(k => Job($"{id}-{k.ToString(CultureInfo.InvariantCulture)}"))) + "]");

        private static string Job(string id) => $$"""{"id":"{{id}}","name":"bench","command":"true","labels":["linux"]}""";
    }

    private static async Task<Phase> MeasureAsync(Uri address, string token, Target target, int requests, int concurrency, int warmup, Func<Task> settle)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await SubmitAsync(http, target, "warm", warmup, concurrency, null);
        await settle();
        Console.WriteLine($"http: measuring {requests} requests to {target.Path}, {concurrency} concurrent");
        var latencies = new List<double>(requests);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var failed = await SubmitAsync(http, target, "run", requests, concurrency, latencies);
        var perSecond = requests / clock.Elapsed.TotalSeconds;
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / requests;
        Console.WriteLine($"http: {ThroughputBenchmark.Format(perSecond)} req/s, {ThroughputBenchmark.Format(perSecond * target.JobsPerRequest)} jobs/s, {ThroughputBenchmark.Format(cpuMs)} CPU ms per request");
        return new Phase(perSecond, perSecond * target.JobsPerRequest, Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99), failed, cpuMs);
    }

    /// <summary>Sends <paramref name="count"/> requests from <paramref name="concurrency"/> loops; returns how many were
    /// not answered as expected (for a batch: not every job accepted).</summary>
    private static async Task<int> SubmitAsync(HttpClient http, Target target, string prefix, int count, int concurrency, List<double>? latencies)
    {
        var next = -1;
        var failed = 0;
        var done = 0;
        using var progress = new CancellationTokenSource();
        var reporter = latencies is null ? Task.CompletedTask : ReportAsync(() => Volatile.Read(ref done), count, progress.Token);
        var run = Guid.NewGuid().ToString("n")[..8];
        var path = new Uri(target.Path, UriKind.Relative);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var content = new StringContent(target.Body($"{prefix}-{run}-{i.ToString(CultureInfo.InvariantCulture)}"), Encoding.UTF8, "application/json");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(path, content);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var ok = response.StatusCode == target.Expected;
                if (ok && target.JobsPerRequest > 1)
                {
                    var answer = await response.Content.ReadAsStringAsync();
                    ok = CountOf(answer, "\"status\":202") == target.JobsPerRequest;
                }

                if (!ok && Interlocked.Increment(ref failed) <= 3)
                {
                    var text = await response.Content.ReadAsStringAsync();
                    Console.Error.WriteLine($"http: {(int)response.StatusCode} {text[..Math.Min(text.Length, 500)]}");
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

    private static int CountOf(string text, string part)
    {
        var n = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
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

    /// <summary>
    /// Waits (at most a minute) until the process idles: after the warm-up the runtime keeps compiling the methods it
    /// saw (tiered JIT with PGO) and collecting the warm-up's garbage for several seconds, half a core or more on a
    /// server this size, which a measured phase started at once would pay per request. Prints the process' CPU per
    /// second when it settled: what the server, its timers and the idle workers' polls cost with nothing submitted.
    /// </summary>
    private static async Task IdleAsync()
    {
        var clock = Stopwatch.StartNew();
        double perSecond;
        do
        {
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var window = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(2));
            perSecond = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / window.Elapsed.TotalSeconds;
        }
        while (perSecond > IdleCpuMsPerSecond && clock.Elapsed < TimeSpan.FromMinutes(1));

        Console.WriteLine($"http: settled after {ThroughputBenchmark.Format(clock.Elapsed.TotalSeconds)} s, idle at {ThroughputBenchmark.Format(perSecond)} CPU ms per second");
    }

    private static async Task DirectAsync(IGrainFactory grains, int count, int concurrency)
    {
        var next = -1;
        var run = Guid.NewGuid().ToString("n")[..8];
        // What the gateway makes of the benchmark's body (no cpu or memory given: the profile's estimate is asked),
        // through the same grain call as POST /api/jobs.
        var spec = new JobSpec("bench", "true", ["linux"]) { CpuDefaulted = true, MemoryDefaulted = true };
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await grains.ByKey<IJobGrain>($"direct-{run}-{i.ToString(CultureInfo.InvariantCulture)}").SubmitAndPredict(spec);
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
