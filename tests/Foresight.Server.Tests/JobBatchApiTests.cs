using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary><c>POST /api/jobs:batch</c> over real HTTP: each job answered on its own, the batch refused as a whole only
/// when it is not a batch, and the same tokens, scopes and limits as <c>POST /api/jobs</c>.</summary>
[Collection(GatewayCollection.Name)]
public sealed class JobBatchApiTests(GatewayFixture fixture)
{
    private static readonly Uri Batch = new("/api/jobs:batch", UriKind.Relative);

    [Fact]
    public async Task Each_job_is_answered_on_its_own_and_the_accepted_ones_run()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        using var response = await fixture.User.PostAsync(Batch, Json($$"""
            [
              {"id":"batch-{{run}}-a","name":"a","command":"echo batch-a","labels":["linux"]},
              {"name":"x","command":"true","cpu":-2},
              {"name":"x","command":"true","comand":"typo"},
              {"name":"x","command":"true","pool":"nobody-declared-this"},
              {"name":"b","command":"true","labels":["linux"]},
              {"id":"batch-{{run}}-a","name":"again","command":"true"},
              {"name":"x","command":"true","secretScope":"not-this-tokens"},
              {"name":"x","command":"true","labels":["{{new string('l', 101)}}"]},
              42
            ]
            """));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var items = (await Problem.JsonAsync(response)).EnumerateArray().ToList();
        Assert.Equal(9, items.Count);
        Assert.Equal(Enumerable.Range(0, 9), items.Select(i => i.GetProperty("index").GetInt32()));
        Assert.Equal([202, 400, 400, 400, 202, 400, 403, 413, 400], items.Select(i => i.GetProperty("status").GetInt32()));
        Assert.Equal(["cpu", "comand", "pool", "id", "secretScope", "labels[0]", "body"], items.Where(i => i.GetProperty("status").GetInt32() != 202).Select(i => i.GetProperty("field").GetString()));
        Assert.All(items.Where(i => i.GetProperty("status").GetInt32() != 202), i => Assert.False(string.IsNullOrEmpty(i.GetProperty("reason").GetString())));
        Assert.Contains("job 0", items[5].GetProperty("reason").GetString(), StringComparison.Ordinal);

        Assert.Equal($"batch-{run}-a", items[0].GetProperty("id").GetString());
        Assert.Equal($"/api/jobs/batch-{run}-a", items[0].GetProperty("location").GetString());
        var generated = items[4].GetProperty("id").GetString()!;
        foreach (var id in new[] { $"batch-{run}-a", generated })
        {
            var job = await JobApiTests.WaitForJobAsync(fixture.User, id, j => j.GetProperty("isTerminal").GetBoolean());
            Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        }
    }

    [Fact]
    public async Task A_retried_batch_creates_no_job_twice()
    {
        var run = Guid.NewGuid().ToString("n")[..8];
        var body = $$"""[{"id":"retry-{{run}}-1","name":"r1","command":"true","labels":["linux"]},{"id":"retry-{{run}}-2","name":"r2","command":"true","labels":["linux"]}]""";
        using var first = await fixture.User.PostAsync(Batch, Json(body));
        using var second = await fixture.User.PostAsync(Batch, Json(body));
        foreach (var answer in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            var items = (await Problem.JsonAsync(answer)).EnumerateArray().ToList();
            Assert.Equal([202, 202], items.Select(i => i.GetProperty("status").GetInt32()));
            Assert.Equal([$"retry-{run}-1", $"retry-{run}-2"], items.Select(i => i.GetProperty("id").GetString()));
        }

        foreach (var id in new[] { $"retry-{run}-1", $"retry-{run}-2" })
        {
            var job = await JobApiTests.WaitForJobAsync(fixture.User, id, j => j.GetProperty("isTerminal").GetBoolean());
            Assert.Equal(("Succeeded", 1), (job.GetProperty("state").GetString(), job.GetProperty("attempts").GetInt32()));
        }
    }

    [Theory]
    [InlineData("""{"command":"true"}""", "array")]
    [InlineData("""[{"command":"true"}""", "")]
    [InlineData("[]", "at least one")]
    [InlineData("null", "array")]
    [InlineData("""[{"command":"true"}] []""", "")]
    public async Task A_malformed_batch_is_400_problem_json(string json, string reason)
    {
        using var response = await fixture.User.PostAsync(Batch, Json(json));
        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest, "body");
        Assert.Contains(reason, problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_1000_jobs_or_another_media_type_is_refused_whole()
    {
        var tooMany = "[" + string.Join(',', Enumerable.Repeat("""{"command":"true"}""", 1001)) + "]";
        using var response = await fixture.User.PostAsync(Batch, Json(tooMany));
        var problem = await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
        Assert.Contains("1000", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var yaml = await fixture.User.PostAsync(Batch, new StringContent("- command: true", Encoding.UTF8, "application/yaml"));
        await Problem.AssertAsync(yaml, HttpStatusCode.UnsupportedMediaType, "Content-Type");
    }

    [Fact]
    public async Task Tokens_and_scopes_are_those_of_a_single_submission()
    {
        using var anonymous = fixture.App.Client(null);
        using var none = await anonymous.PostAsync(Batch, Json("""[{"command":"true"}]"""));
        await Problem.AssertAsync(none, HttpStatusCode.Unauthorized, "Authorization");

        using var reader = await fixture.Reader.PostAsync(Batch, Json("""[{"command":"true"}]"""));
        await Problem.AssertAsync(reader, HttpStatusCode.Forbidden, "scope");

        var document = await anonymous.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.True(document.GetProperty("paths").TryGetProperty("/api/jobs:batch", out _), "the OpenAPI document lacks /api/jobs:batch");
    }

    /// <summary>A server of its own: a small body limit and a rate limit that a batch uses up job by job.</summary>
    [Fact]
    public async Task A_batch_costs_a_permit_per_job_and_has_its_own_body_limit()
    {
        const string submit = "batch-submit-token-0123456789abcdef";
        const string read = "batch-read-token-0123456789abcdefgh";
        var settings = new Dictionary<string, string?>
        {
            ["Foresight:Gateway:RateLimit:Burst"] = "1010",
            ["Foresight:Gateway:RateLimit:PermitsPerPeriod"] = "1",
            ["Foresight:Gateway:RateLimit:Period"] = "01:00:00",
            ["Foresight:Gateway:MaxBatchRequestBytes"] = "65536",
        };
        foreach (var pair in GatewayApp.Token("submitter", submit, "submit").Concat(GatewayApp.Token("reader", read, "read")))
        {
            settings[pair.Key] = pair.Value;
        }

        await using var app = await GatewayApp.StartAsync(settings);
        var client = app.Client(submit);

        // 1 permit: over the batch body limit (64 KiB) although a single job's limit (1 MiB) is higher.
        var value = new string('v', 30_000);
        var big = $$$"""[{"command":"true","env":{"A":"{{{value}}}","B":"{{{value}}}","C":"{{{value}}}"}}]""";
        using var tooLarge = await client.PostAsync(Batch, Json(big));
        var problem = await Problem.AssertAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, "body");
        Assert.Contains("65536", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // 1,000 permits: 1,000 jobs, all accepted and queued (no workers here).
        var run = Guid.NewGuid().ToString("n")[..8];
        var thousand = "[" + string.Join(',', Enumerable.Range(0, 1000).Select(i => $$"""{"id":"many-{{run}}-{{i}}","name":"n","command":"true"}""")) + "]";
        using var accepted = await client.PostAsync(Batch, Json(thousand));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var items = (await Problem.JsonAsync(accepted)).EnumerateArray().ToList();
        Assert.Equal(1000, items.Count(i => i.GetProperty("status").GetInt32() == 202 && i.GetProperty("state").GetString() == "Queued"));
        using var reader = app.Client(read);
        var last = await reader.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/many-{run}-999", UriKind.Relative));
        Assert.Equal("Queued", last.GetProperty("state").GetString());
        var pools = await reader.GetFromJsonAsync<JsonElement>(new Uri("/api/pools", UriKind.Relative));
        Assert.Equal(1000, pools.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "default").GetProperty("queued").GetInt32());

        // 9 permits left: a batch of 12 takes one and is refused for the other 11, whole.
        using var limited = await client.PostAsync(Batch, Json("[" + string.Join(',', Enumerable.Repeat("""{"command":"true"}""", 12)) + "]"));
        await Problem.AssertAsync(limited, HttpStatusCode.TooManyRequests, "Authorization");
        Assert.NotNull(limited.Headers.RetryAfter);

        // 8 left: a single submission still goes through.
        using var single = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), Json("""{"name":"one","command":"true"}"""));
        Assert.Equal(HttpStatusCode.Accepted, single.StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
