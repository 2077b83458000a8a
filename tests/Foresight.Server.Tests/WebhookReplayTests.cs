using System.Net;
using Foresight.Grains.Webhooks;
using Foresight.Server.Tests.Support;
using Foresight.Server.Webhooks;

namespace Foresight.Server.Tests;

/// <summary>
/// Replayed webhook deliveries: someone who captured one signed delivery (a proxy log, a leaked request dump) sends it
/// again under a fresh <c>X-GitHub-Delivery</c> id to start the workflows again. The signature over the body and the
/// delivery id are remembered for a window, so the replay is answered 200 "duplicate" and starts nothing.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class WebhookReplayTests(GatewayFixture fixture)
{
    private const string Repository = "Codertocat/Hello-World";

    [Fact]
    public async Task A_signed_body_replayed_under_a_new_delivery_id_starts_nothing()
    {
        var body = await WebhookTests.UniqueAsync("push", "with-new-branch.payload.json");
        var first = Guid.NewGuid().ToString();
        using var original = await WebhookTests.DeliverAsync(fixture, "push", body, GatewayFixture.WebhookSecret, delivery: first);
        Assert.Equal(HttpStatusCode.Accepted, original.StatusCode);
        Assert.Single((await Problem.JsonAsync(original)).GetProperty("runIds").EnumerateArray());

        var signature = WebhookSignature.Sign(GatewayFixture.WebhookSecret, body);
        foreach (var replayedSignature in new[] { signature, "sha256=" + signature["sha256=".Length..].ToUpperInvariant() })
        {
            var replay = Guid.NewGuid().ToString();
            using var response = await WebhookTests.DeliverAsync(fixture, "push", body, secret: null, signature: replayedSignature, delivery: replay);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = await Problem.JsonAsync(response);
            Assert.Empty(answer.GetProperty("runIds").EnumerateArray());
            var message = answer.GetProperty("message").GetString()!;
            Assert.Contains("duplicate", message, StringComparison.Ordinal);
            Assert.Contains(first, message, StringComparison.Ordinal);

            // The run the replay would have started does not exist.
            using var run = await fixture.User.GetAsync(new Uri($"/api/workflows/{GitHubWebhookEndpoint.RunIdFor(Repository, replay, "ci.yml")}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, run.StatusCode);
        }
    }

    [Fact]
    public async Task A_known_delivery_id_with_another_signed_body_starts_nothing()
    {
        var delivery = Guid.NewGuid().ToString();
        var body = await WebhookTests.UniqueAsync("pull_request", "opened.payload.json");
        using var original = await WebhookTests.DeliverAsync(fixture, "pull_request", body, GatewayFixture.WebhookSecret, delivery: delivery);
        Assert.Equal(HttpStatusCode.Accepted, original.StatusCode);

        var other = await WebhookTests.UniqueAsync("push", "with-new-branch.payload.json");
        using var reused = await WebhookTests.DeliverAsync(fixture, "push", other, GatewayFixture.WebhookSecret, delivery: delivery);
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        var answer = await Problem.JsonAsync(reused);
        Assert.Empty(answer.GetProperty("runIds").EnumerateArray());
        Assert.Contains("duplicate", answer.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_delivery_log_forgets_after_its_window_and_holds_at_most_its_share_of_the_capacity()
    {
        var entries = new Dictionary<string, DeliveryLogEntry>(StringComparer.Ordinal);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var window = TimeSpan.FromHours(24);

        Assert.Equal((null, true), DeliveryLogGrain.Claim(entries, "signature:a", "d1", start, window, 1600));
        Assert.Equal(("d1", false), DeliveryLogGrain.Claim(entries, "signature:a", "d2", start.AddHours(23), window, 1600));
        // Past the window the entry is gone: the key is new again.
        Assert.Equal((null, true), DeliveryLogGrain.Claim(entries, "signature:a", "d3", start.AddHours(24), window, 1600));

        // A capacity of 1600 over 16 shards: a shard keeps 100 entries, dropping the oldest.
        for (var i = 0; i < 250; i++)
        {
            DeliveryLogGrain.Claim(entries, $"signature:{i}", $"d{i}", start.AddHours(25).AddSeconds(i), window, 1600);
        }

        Assert.Equal(100, entries.Count);
        Assert.Contains("signature:249", entries.Keys);
        Assert.DoesNotContain("signature:149", entries.Keys);
    }
}
