using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Foresight.Abstractions.Autoscaling;
using Foresight.Grpc.Forecast.V1;
using Grpc.Core;
using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Foresight.Load;

/// <summary>
/// <c>GetLoadForecast</c> latency through the gRPC port: the server app (silo + gateway + h2c gRPC port) in this
/// process on loopback, a bearer token checked on every call, the pool's history fed with a week of arrivals through
/// the AutoscalerGrain and a model trained and promoted, then calls from one HTTP/2 channel with a fixed number in flight.
/// The ceiling is the same client against a bare Kestrel h2c gRPC host in this process whose <c>GetLoadForecast</c>
/// returns the server's first answer as a constant: no token, middleware, validation, cache or grain — what the
/// framework and the shared cores allow before any of Foresight's own work.
/// </summary>
internal static class GrpcForecastBenchmark
{
    public const string Pool = "default";

    /// <summary>Latency percentiles, calls per second, and (with h2load, whose work is in its own process) this process's CPU time per call.</summary>
    public sealed record Figures(double P50Ms, double P95Ms, double P99Ms, double PerSecond, double? CpuMicrosecondsPerCall = null);

    /// <summary>Who makes the calls: this process's Grpc.Net.Client, or nghttp2's <c>h2load</c> as a separate process.</summary>
    public enum Client
    {
        Dotnet,
        H2load,
    }

    public static async Task<(Figures Ours, Figures Ceiling, string Source)> RunAsync(int calls, int concurrency, int warmup, Client caller = Client.Dotnet)
    {
        var token = "bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var grpcPort = Foresight.Testing.FreePorts.Next();
        await using var app = InProcessServer.Build(token, "read", out var dataDirectory, "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture));
        await app.StartAsync();
        var grains = app.Services.GetRequiredService<IGrainFactory>();

        // A week of 5-minute buckets with a daily shape, so a model is fitted and promoted (the cached path is measured).
        var now = DateTimeOffset.UtcNow;
        var random = new Random(7);
        var buckets = Enumerable.Range(1, 7 * 288)
            .Select(i => new ArrivalCount(now.AddMinutes(-5 * i), Math.Round(20 + (15 * Math.Sin(2 * Math.PI * i / 288)) + random.Next(0, 5))))
            .ToList();
        await grains.GetGrain<IAutoscalerGrain>(Pool).RecordArrivals(buckets);
        var model = await grains.GetGrain<IModelGrain>(IModelGrain.LoadKey(Pool)).Train();
        Console.WriteLine($"grpc: history {buckets.Count} buckets; model v{model.Version} {model.Forecaster} ({model.Status}, MASE {model.Mase:0.###})");

        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var client = new ForecastService.ForecastServiceClient(channel);
        var request = new LoadForecastRequest { Pool = Pool, HorizonSeconds = 900 };
        var first = await client.GetLoadForecastAsync(request);
        Console.WriteLine($"grpc: first answer {first.Source}, {first.PredictedJobs:0.#} jobs in 15 min [{first.PredictedJobsInterval.Lower:0.#}, {first.PredictedJobsInterval.Upper:0.#}]");
        var ours = caller == Client.H2load
            ? await H2Load.MeasureAsync(grpcPort, token, request, first, calls, concurrency, warmup)
            : await MeasureAsync(client, request, calls, concurrency, warmup);
        await app.StopAsync();
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }

        var ceiling = await CeilingAsync(first, request, calls, concurrency, warmup, caller);
        return (ours, ceiling, first.Source);
    }

    private static async Task<Figures> MeasureAsync(ForecastService.ForecastServiceClient client, LoadForecastRequest request, int calls, int concurrency, int warmup)
    {
        await CallAsync(client, request, warmup, concurrency, null);
        var latencies = new List<double>(calls);
        var clock = Stopwatch.StartNew();
        await CallAsync(client, request, calls, concurrency, latencies);
        var perSecond = calls / clock.Elapsed.TotalSeconds;
        return new Figures(Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 95), Percentiles.Of(latencies, 99), perSecond);
    }

    private static async Task<Figures> CeilingAsync(LoadForecastResponse answer, LoadForecastRequest request, int calls, int concurrency, int warmup, Client caller)
    {
        var port = Foresight.Testing.FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, lo => lo.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new ConstantForecastService(answer));
        await using var bare = builder.Build();
        bare.MapGrpcService<ConstantForecastService>();
        await bare.StartAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var figures = caller == Client.H2load
            ? await H2Load.MeasureAsync(port, null, request, answer, calls, concurrency, warmup)
            : await MeasureAsync(new ForecastService.ForecastServiceClient(channel), request, calls, concurrency, warmup);
        await bare.StopAsync();
        return figures;
    }

    /// <summary>The ceiling's service: one fixed answer, nothing computed or checked.</summary>
    private sealed class ConstantForecastService(LoadForecastResponse answer) : ForecastService.ForecastServiceBase
    {
        public override Task<LoadForecastResponse> GetLoadForecast(LoadForecastRequest request, ServerCallContext context) => Task.FromResult(answer);
    }

    private static async Task CallAsync(ForecastService.ForecastServiceClient client, LoadForecastRequest request, int calls, int concurrency, List<double>? latencies)
    {
        var next = -1;
        var gate = new object();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < calls)
            {
                var started = Stopwatch.GetTimestamp();
                await client.GetLoadForecastAsync(request);
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (latencies is not null)
                {
                    lock (gate)
                    {
                        latencies.Add(ms);
                    }
                }
            }
        }));
    }
}
