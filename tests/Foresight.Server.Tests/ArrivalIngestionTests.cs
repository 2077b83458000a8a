using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary>
/// Arrivals counted outside Foresight (<c>POST /api/pools/{pool}/arrivals</c>, GitHub <c>workflow_job</c> deliveries)
/// reach the pool's history; bad bodies are problem+json naming the field.
/// </summary>
[Collection(GrpcCollection.Name)]
public sealed class ArrivalIngestionTests(GrpcServerFixture fixture)
{
    [Fact]
    public async Task Buckets_and_events_are_counted_into_the_pools_history()
    {
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1);
        using var response = await fixture.Server.Http.PostAsJsonAsync(
            $"/api/pools/{GrpcServerFixture.FedPool}/arrivals",
            new
            {
                buckets = new[] { new { start = hourAgo, count = 12.0 }, new { start = hourAgo.AddMinutes(5), count = 7.0 } },
                events = new[] { new { at = hourAgo.AddMinutes(10) } },
            });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(20, body.GetProperty("counted").GetDouble());
        Assert.Equal(0, body.GetProperty("tooOld").GetDouble());
        Assert.True(body.GetProperty("historyBuckets").GetInt32() >= 3);

        var view = await fixture.Server.Http.GetFromJsonAsync<JsonElement>($"/api/pools/{GrpcServerFixture.FedPool}/autoscaler?decisions=0");
        Assert.True(view.GetProperty("historyBuckets").GetInt32() >= 3);
    }

    [Theory]
    [InlineData("""{"buckets":[{"start":"2026-01-01T00:00:00Z","count":-1}]}""", "buckets[0].count")]
    [InlineData("""{"buckets":[{"count":1}]}""", "buckets[0].start")]
    [InlineData("""{"events":[{"at":"yesterday"}]}""", "events[0].at")]
    [InlineData("""{"buckets":{}}""", "buckets")]
    [InlineData("""{}""", "buckets")]
    [InlineData("""[1]""", "body")]
    public async Task A_bad_batch_is_problem_json_naming_the_field(string json, string field)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        await Problem.AssertAsync(await fixture.Server.Http.PostAsync($"/api/pools/{GrpcServerFixture.FedPool}/arrivals", content), HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Too_many_items_an_unknown_pool_and_a_reader_token_are_refused()
    {
        var many = Enumerable.Range(0, 10_001).Select(_ => new { at = DateTimeOffset.UtcNow }).ToArray();
        await Problem.AssertAsync(await fixture.Server.Http.PostAsJsonAsync($"/api/pools/{GrpcServerFixture.FedPool}/arrivals", new { events = many }), HttpStatusCode.BadRequest, "buckets");
        await Problem.AssertAsync(await fixture.Server.Http.PostAsJsonAsync("/api/pools/nowhere/arrivals", new { events = Array.Empty<object>() }), HttpStatusCode.BadRequest, "pool");
        using var reader = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        reader.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", GrpcServerFixture.ReaderToken);
        using var forbidden = await reader.PostAsJsonAsync($"/api/pools/{GrpcServerFixture.FedPool}/arrivals", new { events = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task A_queued_workflow_job_counts_one_arrival_for_the_pool_its_labels_name()
    {
        var created = DateTimeOffset.UtcNow.AddMinutes(-20).ToString("O");
        using var queued = Delivery($$$"""{"action":"queued","workflow_job":{"id":1,"created_at":"{{{created}}}","labels":["self-hosted","{{{GrpcServerFixture.FedPool}}}"]}}""");
        using var response = await fixture.Server.Http.SendAsync(queued);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(GrpcServerFixture.FedPool, body.GetProperty("pool").GetString());
        Assert.Equal(1, body.GetProperty("counted").GetDouble());

        using var completed = Delivery($$$"""{"action":"completed","workflow_job":{"id":1,"created_at":"{{{created}}}","labels":["{{{GrpcServerFixture.FedPool}}}"]}}""");
        using var ignored = await fixture.Server.Http.SendAsync(completed);
        Assert.Equal(0, JsonDocument.Parse(await ignored.Content.ReadAsStringAsync()).RootElement.GetProperty("counted").GetDouble());

        using var unknown = Delivery($$$"""{"action":"queued","workflow_job":{"id":2,"created_at":"{{{created}}}","labels":["ubuntu-latest"]}}""");
        await Problem.AssertAsync(await fixture.Server.Http.SendAsync(unknown), HttpStatusCode.BadRequest, "workflow_job.labels");
        using var noTime = Delivery("""{"action":"queued","workflow_job":{"id":3,"labels":["x"]}}""");
        await Problem.AssertAsync(await fixture.Server.Http.SendAsync(noTime), HttpStatusCode.BadRequest, "workflow_job.created_at");
        using var push = Delivery("""{}""", "push");
        await Problem.AssertAsync(await fixture.Server.Http.SendAsync(push), HttpStatusCode.BadRequest, "X-GitHub-Event");
    }

    private static HttpRequestMessage Delivery(string json, string eventName = "workflow_job")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/arrivals/github") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-GitHub-Event", eventName);
        return request;
    }
}
