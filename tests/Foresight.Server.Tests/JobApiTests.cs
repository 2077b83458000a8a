using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary>Jobs over real HTTP: steps run on local workers, cancel, and bad input answered with problem+json.</summary>
[Collection(GatewayCollection.Name)]
public sealed class JobApiTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_job_with_steps_runs_them_in_order_on_a_local_worker()
    {
        using var accepted = await fixture.User.PostAsJsonAsync("/api/jobs", new
        {
            id = "steps-1",
            name = "steps",
            labels = new[] { "linux" },
            steps = new object[]
            {
                new { name = "first", run = "echo one > order.txt" },
                new { run = "echo two >> order.txt; cat order.txt" },
            },
        });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("/api/jobs/steps-1", accepted.Headers.Location?.OriginalString);

        var job = await WaitForJobAsync(fixture.User, "steps-1", j => j.GetProperty("isTerminal").GetBoolean());
        Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        Assert.Contains("one\ntwo", job.GetProperty("outputTail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_stops_a_running_job_and_unknown_jobs_are_404()
    {
        using var accepted = await fixture.User.PostAsJsonAsync("/api/jobs", new { id = "cancel-1", name = "sleepy", command = "sleep 60", labels = new[] { "linux" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await WaitForJobAsync(fixture.User, "cancel-1", j => j.GetProperty("state").GetString() == "Running");

        using var cancelled = await fixture.User.PostAsync(new Uri("/api/jobs/cancel-1/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var job = await WaitForJobAsync(fixture.User, "cancel-1", j => j.GetProperty("isTerminal").GetBoolean());
        Assert.Equal("Cancelled", job.GetProperty("state").GetString());

        using var unknown = await fixture.User.PostAsync(new Uri("/api/jobs/no-such-job/cancel", UriKind.Relative), null);
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound, "id");
        using var unknownGet = await fixture.User.GetAsync(new Uri("/api/jobs/no-such-job", UriKind.Relative));
        await Problem.AssertAsync(unknownGet, HttpStatusCode.NotFound, "id");
    }

    [Theory]
    [InlineData("""{"name":"x","command":"true","cpu":-2}""", "cpu")]
    [InlineData("""{"name":"x","command":"true","comand":"typo"}""", "comand")]
    [InlineData("""{"name":"x","command":"true","cpu":"lots"}""", "cpu")]
    [InlineData("""{"name":"x","command":"true","id":"bad id!"}""", "id")]
    [InlineData("""{"name":"x","command":"true","steps":[{"run":"true"}]}""", "command")]
    [InlineData("""{"name":"x","steps":[{"run":" "}]}""", "steps[0].run")]
    [InlineData("""{"name":"x","steps":[{"run":"true","workingDirectory":"../up"}]}""", "steps[0].workingDirectory")]
    [InlineData("""{"name":"x","command":"true","timeoutSeconds":0}""", "timeoutSeconds")]
    [InlineData("""{"name":"x",""", "body")]
    [InlineData("null", "body")]
    [InlineData("[]", "body")]
    public async Task Bad_job_json_is_400_naming_the_field(string json, string field)
    {
        using var response = await fixture.User.PostAsync(new Uri("/api/jobs", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Invalid_utf8_and_foreign_media_types_are_refused()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"name":"caf?","command":"true"}""");
        bytes[11] = 0xC3; // a lead byte followed by '"' is not UTF-8
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        using var invalid = await fixture.User.PostAsync(new Uri("/api/jobs", UriKind.Relative), content);
        var problem = await Problem.AssertAsync(invalid, HttpStatusCode.BadRequest, "body");
        Assert.Contains("UTF-8", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var form = await fixture.User.PostAsync(new Uri("/api/jobs", UriKind.Relative), new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded"));
        await Problem.AssertAsync(form, HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task A_20_MB_body_is_413_and_the_server_keeps_serving()
    {
        var big = new byte[20 * 1024 * 1024];
        Array.Fill(big, (byte)' ');
        using var content = new ByteArrayContent(big);
        content.Headers.ContentType = new("application/json");
        using var response = await fixture.User.PostAsync(new Uri("/api/jobs", UriKind.Relative), content);
        await Problem.AssertAsync(response, (HttpStatusCode)413, "body");

        using var chunked = new StreamContent(new MemoryStream(big));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var chunkedResponse = await fixture.User.SendAsync(request);
        await Problem.AssertAsync(chunkedResponse, (HttpStatusCode)413, "body");

        using var health = await fixture.User.GetAsync(new Uri("/api/pools", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Secrets_need_a_token_allowed_to_use_their_scope()
    {
        using var refused = await fixture.Admin.PostAsJsonAsync("/api/jobs", new { name = "x", command = "true", labels = new[] { "linux" }, secretScope = GatewayFixture.SecretScope });
        Assert.Equal(HttpStatusCode.Accepted, refused.StatusCode); // admin may use any scope

        using var submitter = await fixture.Submitter.PostAsJsonAsync("/api/jobs", new { name = "x", command = "true", labels = new[] { "linux" }, secretScope = GatewayFixture.SecretScope });
        await Problem.AssertAsync(submitter, HttpStatusCode.Forbidden, "secretScope");
    }

    [Fact]
    public async Task Pools_and_workers_show_the_local_workers()
    {
        var pools = await Eventually.ReturnsAsync(
            () => fixture.Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/pools", UriKind.Relative)),
            p => p.EnumerateArray().Any(x => x.GetProperty("name").GetString() == "default" && x.GetProperty("workers").GetInt32() == 2),
            TimeSpan.FromSeconds(30),
            "the default pool with 2 workers");
        var pool = pools.EnumerateArray().Single(x => x.GetProperty("name").GetString() == "default");
        Assert.Equal(2, pool.GetProperty("healthy").GetInt32());

        var workers = await fixture.Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/workers?pool=default", UriKind.Relative));
        Assert.Equal(2, workers.GetArrayLength());
        foreach (var worker in workers.EnumerateArray())
        {
            Assert.Equal("default", worker.GetProperty("pool").GetString());
            Assert.Contains("linux", worker.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
            Assert.NotEqual(JsonValueKind.Null, worker.GetProperty("lastHeartbeat").ValueKind);
        }

        var none = await fixture.Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/workers?pool=nothing-here", UriKind.Relative));
        Assert.Equal(0, none.GetArrayLength());
        using var bad = await fixture.Reader.GetAsync(new Uri("/api/workers?pool=a/b", UriKind.Relative));
        await Problem.AssertAsync(bad, HttpStatusCode.BadRequest, "pool");
    }

    internal static Task<JsonElement> WaitForJobAsync(HttpClient client, string id, Func<JsonElement, bool> done) =>
        Eventually.ReturnsAsync(
            () => client.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{Uri.EscapeDataString(id)}", UriKind.Relative)),
            done,
            TimeSpan.FromSeconds(60),
            $"job {id}");
}
