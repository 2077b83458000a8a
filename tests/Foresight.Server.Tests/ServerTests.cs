using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Foresight.Server.Tests;

/// <summary>The server as users run it: a real process, real HTTP on loopback, local workers running real commands.</summary>
public sealed class ServerTests
{
    [Fact]
    public async Task A_job_submitted_over_http_runs_on_a_local_worker_and_is_visible_in_api_metrics_and_dashboard()
    {
        await using var server = await ServerProcess.StartAsync(localWorkers: 2);

        using var accepted = await server.Http.PostAsJsonAsync("/api/jobs", new { id = "http-1", name = "hello", command = "echo hello over http", labels = new[] { "linux" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("/api/jobs/http-1", accepted.Headers.Location?.OriginalString);

        var job = await WaitForStateAsync(server, "http-1", "Succeeded");
        Assert.Equal(0, job.GetProperty("exitCode").GetInt32());
        Assert.Contains("hello over http", job.GetProperty("outputTail").GetString(), StringComparison.Ordinal);

        var metrics = await server.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Contains("foresight_job_transitions_total{pool=\"default\",state=\"Succeeded\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("foresight_job_wait_seconds_bucket{pool=\"default\"", metrics, StringComparison.Ordinal);
        Assert.Contains("foresight_workers{pool=\"default\",state=\"Available\"}", metrics, StringComparison.Ordinal);

        using var dashboard = await server.Http.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_get_problem_json_naming_the_field_and_the_server_keeps_serving()
    {
        await using var server = await ServerProcess.StartAsync(localWorkers: 1);

        using var invalid = await server.Http.PostAsJsonAsync("/api/jobs", new { name = "x", command = "true", cpu = -2 });
        using var malformed = await server.Http.PostAsync(new Uri("/api/jobs", UriKind.Relative), new StringContent("{not json", Encoding.UTF8, "application/json"));
        using var unknown = await server.Http.GetAsync(new Uri("/api/jobs/nope", UriKind.Relative));
        using var badId = await server.Http.PostAsJsonAsync("/api/jobs", new { id = "bad id!", name = "x", command = "true" });

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("application/problem+json", invalid.Content.Headers.ContentType?.MediaType);
        var problem = await invalid.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cpu", problem.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("id", (await badId.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());

        using var healthy = await server.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    [Fact]
    public async Task On_SIGTERM_a_running_job_finishes_before_the_server_exits()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"foresight-drain-{Guid.NewGuid():n}");
        await using var server = await ServerProcess.StartAsync(localWorkers: 1);
        using var accepted = await server.Http.PostAsJsonAsync("/api/jobs", new { id = "drain-1", name = "drain", command = $"sleep 2; echo finished > {marker}", labels = new[] { "linux" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await WaitForStateAsync(server, "drain-1", "Running");
        Assert.False(File.Exists(marker));

        var exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, exitCode);
        Assert.True(File.Exists(marker), $"the running job was cut short by the shutdown:\n{server.Log}");
        Assert.Equal("finished", (await File.ReadAllTextAsync(marker)).Trim());
    }

    [Fact]
    public async Task A_local_workers_job_sees_neither_the_servers_environment_nor_its_private_files()
    {
        // The server's secrets as it reads them from its environment, and a token file as it keeps its admin token
        // (mode 600, in a folder anyone may pass through so that only the file's mode protects it).
        const string secret = "topsecret-of-the-server-process";
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"foresight-private-{Guid.NewGuid():n}")).FullName;
        try
        {
            var token = Path.Combine(folder, "admin-token");
            await File.WriteAllTextAsync(token, "fst_the_servers_admin_token");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
                File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await using var server = await ServerProcess.StartAsync(
                localWorkers: 1,
                new Dictionary<string, string> { ["FORESIGHT_Foresight__Secrets__x__y__Z"] = secret });
            var command = $"env; echo env-end; tr '\\0' '\\n' < /proc/$PPID/environ; cat {token}; echo \"uid=$(id -u) home=$HOME\"";
            using var accepted = await server.Http.PostAsJsonAsync("/api/jobs", new { id = "peek-1", name = "peek", command, labels = new[] { "linux" } });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

            var job = await WaitForStateAsync(server, "peek-1", "Succeeded");
            var output = job.GetProperty("outputTail").GetString()!;
            var env = output[..output.IndexOf("env-end", StringComparison.Ordinal)];
            // The runner's own FORESIGHT_* variables only: none of the server's configuration.
            string[] runner = ["FORESIGHT_JOB_ID", "FORESIGHT_ATTEMPT", "FORESIGHT_WORKSPACE", "FORESIGHT_TRACKING_ID", "FORESIGHT_COMMAND_ID"];
            Assert.All(
                env.Split('\n').Where(l => l.StartsWith("FORESIGHT_", StringComparison.Ordinal)),
                l => Assert.Contains(l.Split('=')[0], runner));
            Assert.DoesNotContain(secret, env, StringComparison.Ordinal);
            Assert.Contains("home=/", output, StringComparison.Ordinal);
            if (Environment.UserName == "root")
            {
                // Jobs of a root server run as foresight-job: the file and the server's /proc entries are closed to them.
                Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
                Assert.DoesNotContain("FORESIGHT_Foresight__", output, StringComparison.Ordinal);
                Assert.DoesNotContain("fst_the_servers_admin_token", output, StringComparison.Ordinal);
                Assert.Contains("Permission denied", output, StringComparison.Ordinal);
                Assert.DoesNotContain("uid=0 ", output, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static async Task<JsonElement> WaitForStateAsync(ServerProcess server, string id, string state)
    {
        var clock = Stopwatch.StartNew();
        JsonElement job = default;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            job = await server.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{id}", UriKind.Relative));
            if (job.GetProperty("state").GetString() == state)
            {
                return job;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"job {id} did not reach {state}: {job}");
        return job;
    }
}
