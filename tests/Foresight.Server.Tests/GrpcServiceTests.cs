using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Foresight.Grpc.ExternalScaler;
using Foresight.Grpc.Forecast.V1;
using Foresight.Server.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

namespace Foresight.Server.Tests;

/// <summary>One real server process with its gRPC port on (h2c), shared by the gRPC and arrivals tests.</summary>
public sealed class GrpcServerFixture : IAsyncLifetime
{
    public const string ReaderToken = "grpc-test-reader-token-0123456789abcdef";
    public const string SubmitterToken = "grpc-test-submitter-token-0123456789abcd";

    /// <summary>A declared pool that the tests queue jobs in (no worker serves it).</summary>
    public const string QueuedPool = "keda-queued";

    /// <summary>A declared pool that nothing runs in: no history, no model.</summary>
    public const string IdlePool = "keda-idle";

    /// <summary>A declared pool fed only through the arrivals API.</summary>
    public const string FedPool = "keda-fed";

    public ServerProcess Server { get; private set; } = null!;

    public int GrpcPort { get; } = Foresight.Testing.FreePorts.Next();

    public async Task InitializeAsync() =>
        Server = await ServerProcess.StartAsync(
            0,
            "--grpc-port", GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Foresight:Grpc:StreamPollSeconds=0.2",
            $"--Foresight:Pools:0={QueuedPool}",
            $"--Foresight:Pools:1={IdlePool}",
            $"--Foresight:Pools:2={FedPool}",
            $"--Foresight:Gateway:Tokens:reader:Sha256={Sha(ReaderToken)}",
            "--Foresight:Gateway:Tokens:reader:Scopes=read",
            $"--Foresight:Gateway:Tokens:submitter:Sha256={Sha(SubmitterToken)}",
            "--Foresight:Gateway:Tokens:submitter:Scopes=submit");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A channel to the gRPC port (HTTP/2 without TLS) sending <paramref name="token"/> as bearer metadata, or nothing.</summary>
    public GrpcChannel Channel(string? token)
    {
        var options = new GrpcChannelOptions();
        if (token is not null)
        {
            options.Credentials = ChannelCredentials.Create(
                ChannelCredentials.Insecure,
                CallCredentials.FromInterceptor((_, metadata) =>
                {
                    metadata.Add("authorization", $"Bearer {token}");
                    return Task.CompletedTask;
                }));
            options.UnsafeUseInsecureChannelCallCredentials = true;
        }

        return GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}", options);
    }

    private static string Sha(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

[CollectionDefinition(Name)]
public sealed class GrpcCollection : ICollectionFixture<GrpcServerFixture>
{
    public const string Name = "grpc server process";
}

/// <summary>
/// KEDA's external scaler and the forecast service, called with a real gRPC client (Grpc.Net.Client) on the real
/// server process: every RPC, the tokens, bad metadata, and the rule fallback of a pool without a model.
/// </summary>
[Collection(GrpcCollection.Name)]
public sealed class GrpcServiceTests(GrpcServerFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static ScaledObjectRef Ref(string pool, params (string Key, string Value)[] more)
    {
        var r = new ScaledObjectRef { Name = "agents", Namespace = "ci" };
        r.ScalerMetadata["pool"] = pool;
        foreach (var (key, value) in more)
        {
            r.ScalerMetadata[key] = value;
        }

        return r;
    }

    [Fact]
    public async Task GetMetricSpec_names_one_metric_per_pool_with_target_size_1()
    {
        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var scaler = new ExternalScaler.ExternalScalerClient(channel);
        var spec = await scaler.GetMetricSpecAsync(Ref(GrpcServerFixture.IdlePool));
        var metric = Assert.Single(spec.MetricSpecs);
        Assert.Equal("foresight-keda-idle-desired-workers", metric.MetricName);
        Assert.Equal(1, metric.TargetSize);
        Assert.Equal(1.0, metric.TargetSizeFloat);
        var queue = await scaler.GetMetricSpecAsync(Ref(GrpcServerFixture.IdlePool, ("metric", "predictedQueue")));
        Assert.Equal("foresight-keda-idle-predicted-queue", Assert.Single(queue.MetricSpecs).MetricName);
    }

    [Fact]
    public async Task A_pool_without_a_model_is_answered_by_the_rule_fallback_and_is_inactive_while_idle()
    {
        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var scaler = new ExternalScaler.ExternalScalerClient(channel);
        var metrics = await scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = Ref(GrpcServerFixture.IdlePool), MetricName = "s0-foresight" });
        var value = Assert.Single(metrics.MetricValues);
        Assert.Equal("s0-foresight", value.MetricName);
        Assert.Equal(0, value.MetricValue_);
        Assert.False((await scaler.IsActiveAsync(Ref(GrpcServerFixture.IdlePool))).Result);

        var forecasts = new ForecastService.ForecastServiceClient(channel);
        var recommendation = await forecasts.GetSchedulingRecommendationAsync(new SchedulingRecommendationRequest { Pool = GrpcServerFixture.IdlePool });
        Assert.True(recommendation.Fallback);
        Assert.Equal("predictive", recommendation.Policy);
        Assert.Contains("fallback", recommendation.Reason, StringComparison.Ordinal);
        Assert.Equal(0, recommendation.RecommendedWorkers);
        Assert.StartsWith("fallback", recommendation.ForecastSource, StringComparison.Ordinal);
        Assert.Contains("rule fallback", fixture.Server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queued_jobs_make_the_pool_active_and_GetMetrics_answers_the_workers_wanted()
    {
        for (var i = 0; i < 3; i++)
        {
            using var accepted = await fixture.Server.Http.PostAsJsonAsync(
                "/api/jobs", new { id = $"keda-q-{i}", name = "queued", command = "true", labels = new[] { "linux" }, pool = GrpcServerFixture.QueuedPool });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var scaler = new ExternalScaler.ExternalScalerClient(channel);
        var request = new GetMetricsRequest { ScaledObjectRef = Ref(GrpcServerFixture.QueuedPool, ("horizon", "120"), ("quantile", "0.95")) };
        var metrics = await Eventually.ReturnsAsync(
            async () => Assert.Single((await scaler.GetMetricsAsync(request)).MetricValues),
            v => v.MetricValue_ == 3,
            Deadline,
            "desiredWorkers = 3 for 3 queued jobs");
        Assert.Equal(3.0, metrics.MetricValueFloat);
        Assert.True((await scaler.IsActiveAsync(Ref(GrpcServerFixture.QueuedPool))).Result);
        var queue = await scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = Ref(GrpcServerFixture.QueuedPool, ("metric", "predictedQueue")) });
        Assert.True(Assert.Single(queue.MetricValues).MetricValue_ >= 3);

        // The stream sends the pool's activity, then only changes; it ends when the client cancels.
        using var cancel = new CancellationTokenSource(Deadline);
        using var stream = scaler.StreamIsActive(Ref(GrpcServerFixture.QueuedPool), cancellationToken: cancel.Token);
        Assert.True(await stream.ResponseStream.MoveNext(cancel.Token));
        Assert.True(stream.ResponseStream.Current.Result);
        await cancel.CancelAsync();
        var ended = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, ended.StatusCode);
    }

    [Fact]
    public async Task Without_a_forecast_the_metric_holds_a_burst_for_three_minutes_after_its_jobs_left_the_queue()
    {
        const string pool = "keda-hold";
        using (var declared = await fixture.Server.Http.PostAsJsonAsync("/api/pools", new { name = pool }))
        {
            Assert.True(declared.IsSuccessStatusCode, await declared.Content.ReadAsStringAsync());
        }

        for (var i = 0; i < 4; i++)
        {
            using var accepted = await fixture.Server.Http.PostAsJsonAsync(
                "/api/jobs", new { id = $"keda-hold-{i}", name = "queued", command = "true", labels = new[] { "linux" }, pool });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var forecasts = new ForecastService.ForecastServiceClient(channel);
        var request = new SchedulingRecommendationRequest { Pool = pool };
        await Eventually.ReturnsAsync(async () => await forecasts.GetSchedulingRecommendationAsync(request), r => r.RecommendedWorkers == 4, Deadline, "4 workers for 4 queued jobs");

        for (var i = 0; i < 4; i++)
        {
            using var cancelled = await fixture.Server.Http.PostAsync(new Uri($"/api/jobs/keda-hold-{i}/cancel", UriKind.Relative), null);
            Assert.True(cancelled.IsSuccessStatusCode, await cancelled.Content.ReadAsStringAsync());
        }

        // The queue is empty now, but with no forecast to say the next burst is not a minute away the answer holds.
        var held = await Eventually.ReturnsAsync(async () => await forecasts.GetSchedulingRecommendationAsync(request), r => r.QueueDepth == 0, Deadline, "the cancelled jobs gone from the queue");
        Assert.True(held.Fallback);
        Assert.Equal(4, held.RecommendedWorkers);
        Assert.Contains("held at 4 workers", held.Reason, StringComparison.Ordinal);

        // A caller that gives its own state is answered for that state, not held.
        var given = await forecasts.GetSchedulingRecommendationAsync(new SchedulingRecommendationRequest { Pool = pool, UseGivenState = true, QueueDepth = 0, RunningJobs = 0, CurrentWorkers = 0 });
        Assert.Equal(0, given.RecommendedWorkers);
    }

    [Fact]
    public async Task StreamIsActive_pushes_a_change_of_activity()
    {
        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var scaler = new ExternalScaler.ExternalScalerClient(channel);
        using var cancel = new CancellationTokenSource(Deadline);
        const string pool = "keda-stream";
        using (var declared = await fixture.Server.Http.PostAsJsonAsync("/api/pools", new { name = pool }))
        {
            Assert.True(declared.IsSuccessStatusCode, await declared.Content.ReadAsStringAsync());
        }

        using var stream = scaler.StreamIsActive(Ref(pool), cancellationToken: cancel.Token);
        Assert.True(await stream.ResponseStream.MoveNext(cancel.Token));
        Assert.False(stream.ResponseStream.Current.Result);
        using (var accepted = await fixture.Server.Http.PostAsJsonAsync(
                   "/api/jobs", new { id = "keda-stream-1", name = "queued", command = "true", labels = new[] { "linux" }, pool }))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.True(await stream.ResponseStream.MoveNext(cancel.Token));
        Assert.True(stream.ResponseStream.Current.Result);
        await cancel.CancelAsync();
    }

    [Fact]
    public async Task GetLoadForecast_answers_volume_intervals_demand_bottleneck_and_the_model()
    {
        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var forecasts = new ForecastService.ForecastServiceClient(channel);
        var answer = await forecasts.GetLoadForecastAsync(new LoadForecastRequest { Pool = GrpcServerFixture.IdlePool, HorizonSeconds = 600, TaskType = "build" });
        Assert.Equal(GrpcServerFixture.IdlePool, answer.Pool);
        Assert.Equal(600, answer.HorizonSeconds);
        Assert.True(answer.Fallback);
        Assert.StartsWith("fallback", answer.Source, StringComparison.Ordinal);
        Assert.Equal(0, answer.ModelVersion);
        Assert.False(answer.ResourcesKnown);
        Assert.Equal(0, answer.CpuCores);
        Assert.Equal(0, answer.BottleneckProbability);
        Assert.Equal(0, answer.Confidence);
        Assert.True(answer.PredictedJobsInterval.Lower <= answer.PredictedJobs && answer.PredictedJobs <= answer.PredictedJobsInterval.Upper);
        Assert.Equal(10, answer.MaxWorkers);
        Assert.Contains("task_type 'build'", answer.Note, StringComparison.Ordinal);

        var defaults = await forecasts.GetLoadForecastAsync(new LoadForecastRequest { Pool = GrpcServerFixture.IdlePool });
        Assert.Equal(100, defaults.HorizonSeconds); // boot 90 s + the hybrid policy's 10 s interval
    }

    [Fact]
    public async Task GetSchedulingRecommendation_sizes_for_a_given_state()
    {
        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var forecasts = new ForecastService.ForecastServiceClient(channel);
        var answer = await forecasts.GetSchedulingRecommendationAsync(new SchedulingRecommendationRequest
        {
            Pool = GrpcServerFixture.IdlePool, Policy = "predictive", QueueDepth = 4, RunningJobs = 2, CurrentWorkers = 2, UseGivenState = true,
        });
        Assert.Equal(6, answer.RecommendedWorkers);
        Assert.Equal(2, answer.CurrentWorkers);
        Assert.Equal(4, answer.QueueDepth);
        Assert.True(answer.Fallback);
        Assert.Contains("queued + running = 6", answer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_without_a_token_are_Unauthenticated_and_without_the_read_scope_PermissionDenied()
    {
        using var anonymous = fixture.Channel(null);
        var denied = await Assert.ThrowsAsync<RpcException>(() => new ExternalScaler.ExternalScalerClient(anonymous).IsActiveAsync(Ref(GrpcServerFixture.IdlePool)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
        var forecast = await Assert.ThrowsAsync<RpcException>(() => new ForecastService.ForecastServiceClient(anonymous).GetLoadForecastAsync(new LoadForecastRequest { Pool = GrpcServerFixture.IdlePool }).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, forecast.StatusCode);

        using var wrong = fixture.Channel("not-a-token-of-this-server-0123456789");
        var bad = await Assert.ThrowsAsync<RpcException>(() => new ExternalScaler.ExternalScalerClient(wrong).GetMetricSpecAsync(Ref(GrpcServerFixture.IdlePool)).ResponseAsync);
        Assert.Equal(StatusCode.Unauthenticated, bad.StatusCode);

        using var submitter = fixture.Channel(GrpcServerFixture.SubmitterToken);
        var scope = await Assert.ThrowsAsync<RpcException>(() => new ExternalScaler.ExternalScalerClient(submitter).GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = Ref(GrpcServerFixture.IdlePool) }).ResponseAsync);
        Assert.Equal(StatusCode.PermissionDenied, scope.StatusCode);
        Assert.Contains("'read'", scope.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pool", "no-such-pool", "pool: unknown pool 'no-such-pool'")]
    [InlineData("horizon", "-30", "horizon: must not be negative")]
    [InlineData("horizon", "soon", "horizon: must be seconds")]
    [InlineData("quantile", "1.5", "quantile must be in (0, 1)")]
    [InlineData("quantile", "0", "quantile must be in (0, 1)")]
    [InlineData("policy", "nope", "policy: Unknown autoscaler 'nope'")]
    [InlineData("metric", "cpu", "metric: must be desiredWorkers or predictedQueue")]
    public async Task Bad_metadata_is_InvalidArgument_naming_the_field(string key, string value, string message)
    {
        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var scaler = new ExternalScaler.ExternalScalerClient(channel);
        var metadata = key == "pool" ? Ref(value) : Ref(GrpcServerFixture.IdlePool, (key, value));
        var error = await Assert.ThrowsAsync<RpcException>(() => scaler.GetMetricsAsync(new GetMetricsRequest { ScaledObjectRef = metadata }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(message, error.Status.Detail, StringComparison.Ordinal);
        var active = await Assert.ThrowsAsync<RpcException>(() => scaler.IsActiveAsync(metadata).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, active.StatusCode);

        var forecasts = new ForecastService.ForecastServiceClient(channel);
        var negative = await Assert.ThrowsAsync<RpcException>(() => forecasts.GetLoadForecastAsync(new LoadForecastRequest { Pool = GrpcServerFixture.IdlePool, HorizonSeconds = -1 }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, negative.StatusCode);
        Assert.StartsWith("horizon_seconds:", negative.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_grpc_port_answers_only_grpc_no_api_route()
    {
        // HTTP/2 prior knowledge, as gRPC clients speak to the h2c port, but a plain API request with a valid token.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{fixture.GrpcPort}/api/jobs")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GrpcServerFixture.ReaderToken);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // The same port still answers gRPC.
        using var channel = fixture.Channel(GrpcServerFixture.ReaderToken);
        var spec = await new ExternalScaler.ExternalScalerClient(channel).GetMetricSpecAsync(Ref(GrpcServerFixture.IdlePool));
        Assert.Single(spec.MetricSpecs);
    }

    [Fact]
    public async Task Each_token_has_its_own_rate_limit_bucket_on_the_grpc_port()
    {
        // A server of its own: a bucket of 3 calls refilled once an hour, so the fourth call of a token is refused.
        const string First = "grpc-rate-first-token-0123456789abcdef";
        const string Second = "grpc-rate-second-token-0123456789abcde";
        var port = Foresight.Testing.FreePorts.Next();
        await using var server = await ServerProcess.StartAsync(
            0,
            "--grpc-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--Foresight:Gateway:RateLimit:Burst=3",
            "--Foresight:Gateway:RateLimit:PermitsPerPeriod=1",
            "--Foresight:Gateway:RateLimit:Period=01:00:00",
            $"--Foresight:Gateway:Tokens:first:Sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(First)))}",
            "--Foresight:Gateway:Tokens:first:Scopes=read",
            $"--Foresight:Gateway:Tokens:second:Sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Second)))}",
            "--Foresight:Gateway:Tokens:second:Scopes=read");

        GrpcChannel ChannelOf(string token) => GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", $"Bearer {token}");
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });

        using var first = ChannelOf(First);
        var scaler = new ExternalScaler.ExternalScalerClient(first);
        var reference = new ScaledObjectRef { Name = "agents", Namespace = "ci" };
        reference.ScalerMetadata["pool"] = "default";
        for (var call = 0; call < 3; call++)
        {
            Assert.Single((await scaler.GetMetricSpecAsync(reference)).MetricSpecs);
        }

        // The gateway answers 429, which a gRPC client sees as Unavailable.
        var refused = await Assert.ThrowsAsync<RpcException>(() => scaler.GetMetricSpecAsync(reference).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Contains("429", refused.Status.Detail, StringComparison.Ordinal);

        // The other token's bucket is untouched.
        using var second = ChannelOf(Second);
        Assert.Single((await new ExternalScaler.ExternalScalerClient(second).GetMetricSpecAsync(reference)).MetricSpecs);
    }
}
