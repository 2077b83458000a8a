using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Abstractions.Profiles;
using Foresight.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Server.Tests;

/// <summary>
/// Job profiles, estimated resources and predicted start times over real HTTP, on servers of their own with one local
/// worker of one core (so a second one-core job has to wait) and a declared pool without workers.
/// </summary>
public sealed class ProfileApiTests(ProfileApiTests.Server server) : IClassFixture<ProfileApiTests.Server>
{
    private const string ReadToken = "profiles-read-token-0123456789abcdef";
    private const string UserToken = "profiles-user-token-0123456789abcdef";
    private const string AdminToken = "profiles-admin-token-0123456789abcdef";

    private GatewayApp App => server.App;

    private HttpClient Reader => App.Client(ReadToken);

    private HttpClient User => App.Client(UserToken);

    private HttpClient Admin => App.Client(AdminToken);

    private static Task<GatewayApp> StartAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Server:LocalWorkerCpu"] = "1",
            ["Foresight:ReconcilePeriod"] = "00:00:01",
            ["Foresight:Pools:0"] = "idle",
        };
        foreach (var pair in GatewayApp.Token("reader", ReadToken, "read")
                     .Concat(GatewayApp.Token("user", UserToken, "read,submit"))
                     .Concat(GatewayApp.Token("root", AdminToken, "admin")))
        {
            settings[pair.Key] = pair.Value;
        }

        return GatewayApp.StartAsync(settings, localWorkers: 1);
    }

    /// <summary>The server the profile tests share.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public GatewayApp App { get; private set; } = null!;

        public async Task InitializeAsync() => App = await StartAsync();

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    [Fact]
    public async Task Each_finished_run_feeds_its_profile_which_the_api_lists_and_shows()
    {
        for (var i = 0; i < 3; i++)
        {
            using var accepted = await User.PostAsJsonAsync("/api/jobs", new { id = $"prof-run-{i}", name = "p", command = "true", labels = new[] { "linux" }, profile = "build/unit tests" });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var job = await JobApiTests.WaitForJobAsync(User, $"prof-run-{i}", j => j.GetProperty("isTerminal").GetBoolean());
            Assert.Equal("Succeeded", job.GetProperty("state").GetString());
            Assert.Equal("build/unit tests", job.GetProperty("profile").GetString());
        }

        var profile = await Eventually.ReturnsAsync(
            () => Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/profiles/default/build%2Funit%20tests", UriKind.Relative)),
            p => p.GetProperty("count").GetInt64() == 3,
            TimeSpan.FromSeconds(30),
            "the profile with 3 runs");
        Assert.Equal(3, profile.GetProperty("runs").GetArrayLength());
        Assert.True(profile.GetProperty("meanSeconds").GetDouble() >= 0);
        Assert.True(profile.GetProperty("p90Seconds").GetDouble() >= profile.GetProperty("p50Seconds").GetDouble());
        Assert.False(profile.GetProperty("stale").GetBoolean());

        // Reports no agent should send (the completion path passes them on as they come): ignored, with a counted reason.
        var grain = App.Services.GetRequiredService<IGrainFactory>().GetGrain<IProfileGrain>(ProfileKeys.Grain("default", "build/unit tests"));
        // Many runs in one call (the silo's job grains coalesce theirs): one answer per run, in order.
        Assert.Equal(
            ["duration is not a finite number", "duration longer than MaxDuration"],
            await grain.ObserveMany([new ProfileRunRecord(DateTimeOffset.UtcNow, double.NaN), new ProfileRunRecord(DateTimeOffset.UtcNow, 1e12)]));
        Assert.Equal("duration longer than MaxDuration", await grain.Observe(new ProfileRunRecord(DateTimeOffset.UtcNow, TimeSpan.MaxValue.TotalSeconds)));
        var after = await Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/profiles/default/build%2Funit%20tests", UriKind.Relative));
        Assert.Equal(3, after.GetProperty("count").GetInt64());
        Assert.Equal(1, after.GetProperty("ignored").GetProperty("duration is not a finite number").GetInt64());
        Assert.Equal(2, after.GetProperty("ignored").GetProperty("duration longer than MaxDuration").GetInt64());

        var list = await Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/profiles/default", UriKind.Relative));
        Assert.Contains(list.EnumerateArray(), p => p.GetProperty("key").GetString() == "build/unit tests" && p.GetProperty("count").GetInt64() == 3);

        using var badPool = await Reader.GetAsync(new Uri("/api/profiles/%20", UriKind.Relative));
        await Problem.AssertAsync(badPool, HttpStatusCode.BadRequest, "pool");
        using var unknown = await Reader.GetAsync(new Uri("/api/profiles/default/no-such-profile", UriKind.Relative));
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound, "id");
        using var anonymous = await App.Client(null).GetAsync(new Uri("/api/profiles/default", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task A_job_without_resources_reserves_its_imported_profiles_p90_and_says_so()
    {
        var runs = Enumerable.Range(1, 10).Select(i => new { at = DateTimeOffset.UtcNow.AddMinutes(-i), durationSeconds = 10.0 * i, peakMemoryMb = 100.0 * i, cpuSeconds = 20.0 * i }).ToArray();
        var document = new { schema = "foresight.profiles/v1", pool = "idle", profiles = new[] { new { key = "heavy", count = 10L, meanSeconds = 55.0, ewmaSeconds = 40.0, runs } } };
        using var imported = await Admin.PostAsJsonAsync("/api/profiles/import", document);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Equal(1, (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imported").GetInt32());
        using var notAdmin = await User.PostAsJsonAsync("/api/profiles/import", document);
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);

        // The pool "idle" has no worker: both jobs stay queued with what they reserve.
        using var estimated = await User.PostAsJsonAsync("/api/jobs", new { id = "prof-estimated", name = "e", command = "true", labels = new[] { "linux" }, pool = "idle", profile = "heavy" });
        Assert.Equal(HttpStatusCode.Accepted, estimated.StatusCode);
        var job = await Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs/prof-estimated", UriKind.Relative));
        Assert.True(job.GetProperty("resourcesEstimated").GetBoolean());
        Assert.Equal(910, job.GetProperty("memoryMb").GetInt64()); // p90 of 100..1000 MiB (type 7)
        Assert.Equal(2.0, job.GetProperty("cpu").GetDouble(), 3); // every run used 2 cores
        Assert.Contains("p90 of 10 runs", job.GetProperty("resourcesSource").GetString(), StringComparison.Ordinal);

        using var declared = await User.PostAsJsonAsync("/api/jobs", new { id = "prof-declared", name = "d", command = "true", labels = new[] { "linux" }, pool = "idle", profile = "heavy", cpu = 0.5, memoryMb = 64 });
        var declaredJob = await Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs/prof-declared", UriKind.Relative));
        Assert.False(declaredJob.GetProperty("resourcesEstimated").GetBoolean());
        Assert.Equal(64, declaredJob.GetProperty("memoryMb").GetInt64());

        using var fresh = await User.PostAsJsonAsync("/api/jobs", new { id = "prof-fresh", name = "f", command = "true", labels = new[] { "linux" }, pool = "idle", profile = "never-ran" });
        var freshJob = await Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs/prof-fresh", UriKind.Relative));
        Assert.False(freshJob.GetProperty("resourcesEstimated").GetBoolean());
        Assert.Equal(256, freshJob.GetProperty("memoryMb").GetInt64());
    }

    [Theory]
    [InlineData("""{"schema":"foresight.profiles/v0","pool":"idle","profiles":[]}""", "schema")]
    [InlineData("""{"pool":"idle","profiles":[]}""", "schema")]
    [InlineData("""{"schema":"foresight.profiles/v1","pool":"idle","profiles":[{"key":"k","count":1,"meanSeconds":1,"ewmaSeconds":1,"runs":[{"at":"2026-01-01T00:00:00Z","durationSeconds":-5}]}]}""", "profiles[0].runs[0].durationSeconds")]
    [InlineData("""{"schema":"foresight.profiles/v1","pool":"idle","profiles":[{"key":"k","count":1,"meanSeconds":1,"ewmaSeconds":1,"runs":[{"at":"2026-01-01T00:00:00Z","durationSeconds":"NaN"}]}]}""", "profiles[0].runs[0].durationSeconds")]
    [InlineData("""{"schema":"foresight.profiles/v1","pool":"idle","profiles":[{"key":"k","count":1,"meanSeconds":-1,"ewmaSeconds":1,"runs":[]}]}""", "profiles[0].meanSeconds")]
    [InlineData("""{"schema":"foresight.profiles/v1","pool":"idle","profiles":[{"key":"","count":0,"meanSeconds":0,"ewmaSeconds":0,"runs":[]}]}""", "profiles[0].key")]
    [InlineData("""{"schema":"foresight.profiles/v1","pool":"idle","profiles":[{"key":"k","count":0,"meanSeconds":0,"ewmaSeconds":0,"runs":[],"extra":1}]}""", "profiles[0].extra")]
    public async Task A_bad_profile_document_is_refused_naming_the_field(string json, string field)
    {
        using var response = await Admin.PostAsync(new Uri("/api/profiles/import", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_queued_job_shows_a_predicted_start_after_the_running_one_and_a_finish_after_that()
    {
        // A server of its own: no run has finished there, so a running job is predicted to take the prior (1 minute).
        await using var app = await StartAsync();
        var user = app.Client(UserToken);
        var reader = app.Client(ReadToken);
        using var running = await user.PostAsJsonAsync("/api/jobs", new { id = "prof-blocker", name = "b", command = "sleep 60", labels = new[] { "linux" }, cpu = 1 });
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        await JobApiTests.WaitForJobAsync(user, "prof-blocker", j => j.GetProperty("state").GetString() == "Running");

        var submittedAt = DateTimeOffset.UtcNow;
        using var queued = await user.PostAsJsonAsync("/api/jobs", new { id = "prof-waiting", name = "w", command = "true", labels = new[] { "linux" }, cpu = 1 });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);
        var answer = await queued.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Queued", answer.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.String, answer.GetProperty("predictedStartAt").ValueKind);

        var job = await reader.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs/prof-waiting", UriKind.Relative));
        Assert.Equal("Queued", job.GetProperty("state").GetString());
        var start = job.GetProperty("predictedStartAt").GetDateTimeOffset();
        var finish = job.GetProperty("predictedFinishAt").GetDateTimeOffset();
        Assert.True(start >= submittedAt.AddSeconds(-1), $"start {start:O} before submission {submittedAt:O}");
        Assert.True(start > submittedAt.AddSeconds(5), $"the one-core worker is busy: start {start:O} should wait for the running job's predicted finish");
        Assert.True(finish > start);
        Assert.True(job.GetProperty("predictedFinishTo").GetDateTimeOffset() >= finish);

        using var cancel = await user.PostAsync(new Uri("/api/jobs/prof-blocker/cancel", UriKind.Relative), null);
        var done = await JobApiTests.WaitForJobAsync(user, "prof-waiting", j => j.GetProperty("isTerminal").GetBoolean());
        Assert.Equal("Succeeded", done.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("predictedStartAt").ValueKind);

        // Its start was scored against the prediction made when it was queued: the live accuracy on /metrics (no
        // interval yet on a new server: fewer than 30 starts were known when it was queued).
        using var anonymous = app.Client(null);
        var metrics = await anonymous.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.True(MetricValue(metrics, "foresight_job_start_prediction_error_seconds_count{pool=\"default\"}") >= 1, metrics);
        Assert.True(MetricValue(metrics, "foresight_job_start_predictions_total{pool=\"default\",interval=\"none\"}") >= 1, metrics);
    }

    [Fact]
    public async Task Durations_the_scheduler_learned_survive_its_deactivation()
    {
        // A server of its own: three one-second runs of profile 'quick' teach the default pool's scheduler.
        await using var app = await StartAsync();
        var user = app.Client(UserToken);
        var reader = app.Client(ReadToken);
        for (var run = 0; run < 3; run++)
        {
            using var response = await user.PostAsJsonAsync("/api/jobs", new { id = $"learn-{run}", name = "l", command = "sleep 1", labels = new[] { "linux" }, cpu = 1, profile = "quick" });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var done = await JobApiTests.WaitForJobAsync(user, $"learn-{run}", j => j.GetProperty("isTerminal").GetBoolean());
            Assert.Equal("Succeeded", done.GetProperty("state").GetString());
        }

        // The partition goes away (as when its silo restarts or it idles out) and the next call activates it again.
        var scheduler = app.Services.GetRequiredService<IGrainFactory>().GetGrain<Foresight.Abstractions.Scheduling.ISchedulerGrain>(
            Foresight.Abstractions.Scheduling.PoolPartitions.DefaultPool);
        await scheduler.Cast<Orleans.Core.Internal.IGrainManagementExtension>().DeactivateOnIdle();

        using var blocker = await user.PostAsJsonAsync("/api/jobs", new { id = "learn-blocker", name = "b", command = "sleep 60", labels = new[] { "linux" }, cpu = 1 });
        Assert.Equal(HttpStatusCode.Accepted, blocker.StatusCode);
        await JobApiTests.WaitForJobAsync(user, "learn-blocker", j => j.GetProperty("state").GetString() == "Running");
        using var queued = await user.PostAsJsonAsync("/api/jobs", new { id = "learn-queued", name = "q", command = "true", labels = new[] { "linux" }, cpu = 1, profile = "quick" });
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);

        // Its predicted run time is what was learned (about a second), not the one-minute prior of a scheduler that knows nothing.
        var job = await reader.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs/learn-queued", UriKind.Relative));
        Assert.Equal("Queued", job.GetProperty("state").GetString());
        var predicted = job.GetProperty("predictedFinishAt").GetDateTimeOffset() - job.GetProperty("predictedStartAt").GetDateTimeOffset();
        Assert.True(predicted < TimeSpan.FromSeconds(20), $"predicted run time {predicted} after the deactivation");

        using var cancel = await user.PostAsync(new Uri("/api/jobs/learn-blocker/cancel", UriKind.Relative), null);
        await JobApiTests.WaitForJobAsync(user, "learn-queued", j => j.GetProperty("isTerminal").GetBoolean());
    }

    private static double MetricValue(string exposition, string series) =>
        exposition.Split('\n').Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0).Single();
}
