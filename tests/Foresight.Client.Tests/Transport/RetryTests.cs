using System.Net;
using System.Text.Json;
using Foresight.Abstractions.Api;
using Microsoft.AspNetCore.Http;

namespace Foresight.Client.Tests.Transport;

/// <summary>Retries, back-off and Retry-After over real HTTP against a <see cref="ScriptedGateway"/>.</summary>
public sealed class RetryTests
{
    private static readonly JobView Queued = new("j1", "build", "Queued", 1, null, null, null, null, null, null);

    [Fact]
    public async Task A_503_then_a_429_are_retried_with_back_off_and_the_servers_Retry_After()
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = async (context, n) =>
        {
            switch (n)
            {
                case 1:
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    break;
                case 2:
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = "7";
                    break;
                default:
                    await ScriptedGateway.Json(context, Queued);
                    break;
            }
        };
        var clock = new RecordingTimeProvider();
        using var client = new ForesightClient(gateway.BaseAddress, "secret", new ForesightClientOptions { TimeProvider = clock });

        var job = await client.GetJobAsync("j1");

        Assert.Equal("Queued", job.State);
        Assert.Equal(3, gateway.Seen.Count);
        Assert.All(gateway.Seen, r => Assert.Equal("Bearer secret", r.Authorization));
        Assert.Equal([TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(7)], clock.Waits);
    }

    [Fact]
    public async Task Back_off_doubles_up_to_the_cap_and_the_last_refusal_is_reported()
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return Task.CompletedTask;
        };
        var clock = new RecordingTimeProvider();
        var options = new ForesightClientOptions
        {
            TimeProvider = clock,
            MaxAttempts = 5,
            InitialRetryDelay = TimeSpan.FromSeconds(1),
            MaxRetryDelay = TimeSpan.FromSeconds(3),
        };
        using var client = new ForesightClient(gateway.BaseAddress, null, options);

        var error = await Assert.ThrowsAsync<ForesightApiException>(() => client.GetPoolsAsync());

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal(5, gateway.Seen.Count);
        Assert.Equal([1, 2, 3, 3], clock.Waits.Select(w => w.TotalSeconds));
        Assert.All(gateway.Seen, r => Assert.Equal("", r.Authorization));
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_client_waits_is_reported_at_once()
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "3600";
            return Task.CompletedTask;
        };
        var clock = new RecordingTimeProvider();
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = clock });

        var error = await Assert.ThrowsAsync<ForesightApiException>(() => client.GetJobAsync("j1"));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Single(gateway.Seen);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task A_problem_answer_is_not_retried_and_names_the_field()
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = (context, _) => Results.Problem(
                statusCode: 400,
                title: "invalid request",
                detail: "cpu: must be positive",
                extensions: new Dictionary<string, object?> { ["field"] = "cpu", ["reason"] = "must be positive" })
            .ExecuteAsync(context);
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = new RecordingTimeProvider() });

        var error = await Assert.ThrowsAsync<ForesightApiException>(() => client.SubmitJobAsync(new JobSubmission(Command: "true", Cpu: -1)));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("invalid request", error.Title);
        Assert.Equal("cpu: must be positive", error.Detail);
        Assert.Equal("cpu", error.Field);
        Assert.Equal("must be positive", error.Reason);
        Assert.Equal("400 invalid request: cpu: must be positive", error.Message);
        Assert.Single(gateway.Seen);
    }

    [Fact]
    public async Task A_reset_connection_is_retried_and_a_resubmitted_job_keeps_its_id()
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        gateway.Handle = async (context, n) =>
        {
            if (n == 1)
            {
                context.Abort();
                return;
            }

            if (n == 2)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            await ScriptedGateway.Json(context, Queued, HttpStatusCode.Accepted);
        };
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = new RecordingTimeProvider() });

        var job = await client.SubmitJobAsync(new JobSubmission(Command: "make"));

        Assert.Equal("j1", job.Id);
        var ids = gateway.Seen.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Single(ids.Distinct());
        Assert.All(gateway.Seen, r => Assert.Equal("make", JsonDocument.Parse(r.Body).RootElement.GetProperty("command").GetString()));
    }

    [Fact]
    public async Task A_workflow_submission_is_retried_with_the_same_run_id_so_it_starts_once()
    {
        await using var gateway = await ScriptedGateway.StartAsync();
        var run = new WorkflowRunView("r1", "ci", "Running", [new WorkflowJobView("build", null, "Pending", [])], null, null);
        gateway.Handle = async (context, n) =>
        {
            switch (n)
            {
                case 1:
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    break;
                case 2:
                    context.Abort(); // the run may have started: only its id keeps the retry from starting another
                    break;
                default:
                    await ScriptedGateway.Json(context, run, HttpStatusCode.Created);
                    break;
            }
        };
        using var client = new ForesightClient(gateway.BaseAddress, "t", new ForesightClientOptions { TimeProvider = new RecordingTimeProvider() });

        var started = await client.SubmitWorkflowAsync("name: ci\non: push\n", new WorkflowRunOptions(Ref: "refs/heads/main", Sha: "abc", SecretScope: "org/repo"));
        await client.SubmitWorkflowAsync("name: ci\n", new WorkflowRunOptions(RunId: "nightly-42"));

        Assert.Equal("r1", started.RunId);
        Assert.Equal("build", Assert.Single(started.Jobs).Key);
        var seen = gateway.Seen.ToList();
        Assert.Equal(4, seen.Count);
        Assert.All(seen, r => Assert.Equal("/api/workflows", r.Path));
        Assert.All(seen, r => Assert.Equal("application/yaml; charset=utf-8", r.ContentType));
        Assert.All(seen.Take(3), r => Assert.Equal("name: ci\non: push\n", r.Body));
        Assert.Single(seen.Take(3).Select(r => r.Query["id"]).Distinct());
        Assert.Matches("^[0-9a-f]{32}$", seen[0].Query["id"]);
        Assert.Equal(("refs/heads/main", "abc", "org/repo"), (seen[0].Query["ref"], seen[0].Query["sha"], seen[0].Query["secretScope"]));
        Assert.False(seen[0].Query.ContainsKey("event"));
        Assert.Equal("nightly-42", seen[3].Query["id"]);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_until_the_server_comes_up()
    {
        var port = FreePort();
        ScriptedGateway? gateway = null;
        var clock = new RecordingTimeProvider();
        clock.OnWait = async _ =>
        {
            if (clock.Waits.Count == 2)
            {
                gateway = await ScriptedGateway.StartAsync(port);
                gateway.Handle = (context, _) => ScriptedGateway.Json(context, Array.Empty<PoolView>());
            }
        };
        using var client = new ForesightClient(new Uri($"http://127.0.0.1:{port}"), "t", new ForesightClientOptions { TimeProvider = clock });
        try
        {
            var pools = await client.GetPoolsAsync();

            Assert.Empty(pools);
            Assert.Equal(2, clock.Waits.Count);
            Assert.Single(gateway!.Seen);
        }
        finally
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_an_HttpRequestException_after_the_tries()
    {
        var clock = new RecordingTimeProvider();
        using var client = new ForesightClient(new Uri($"http://127.0.0.1:{FreePort()}"), "t", new ForesightClientOptions { TimeProvider = clock, MaxAttempts = 3 });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetWorkersAsync("linux"));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(2, clock.Waits.Count);
    }

    [Fact]
    public async Task A_path_prefix_of_the_server_address_is_kept()
    {
        await using var gateway = await ScriptedGateway.StartAsync(pathBase: "/ci");
        gateway.Handle = (context, _) => ScriptedGateway.Json(context, new[] { new WorkerView("w1", "linux", ["x64"], "Available", 4, 8192, 0, null, "host") });
        using var client = new ForesightClient(new Uri(gateway.BaseAddress.AbsoluteUri.TrimEnd('/')), "t");

        var workers = await client.GetWorkersAsync("linux pool");

        Assert.Equal("w1", Assert.Single(workers).Id);
        var seen = Assert.Single(gateway.Seen);
        Assert.Equal("/ci/api/workers", seen.Path);
        Assert.Equal("linux pool", seen.Query["pool"]);
    }

    private static int FreePort()
    {
        return Foresight.Testing.FreePorts.Next();
    }
}
