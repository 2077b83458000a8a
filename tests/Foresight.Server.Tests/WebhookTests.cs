using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Server.Tests.Support;
using Foresight.Server.Webhooks;

namespace Foresight.Server.Tests;

/// <summary>GitHub webhooks: HMAC signatures, every real payload from octokit/webhooks, redeliveries.</summary>
[Collection(GatewayCollection.Name)]
public sealed class WebhookTests(GatewayFixture fixture)
{
    private static int _unique;

    private static string Payloads => SharedData.Folder("github-webhooks");

    [Fact]
    public async Task A_signed_ping_is_answered_without_a_token()
    {
        var body = await File.ReadAllBytesAsync(Path.Combine(Payloads, "ping", "payload.json"));
        using var response = await DeliverAsync("ping", body, GatewayFixture.WebhookSecret);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await Problem.JsonAsync(response);
        Assert.Equal("ping", accepted.GetProperty("event").GetString());
        Assert.Empty(accepted.GetProperty("runIds").EnumerateArray());
        Assert.StartsWith("pong", accepted.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_a_missing_signature_a_tampered_body_and_a_malformed_signature_are_401()
    {
        var body = await File.ReadAllBytesAsync(Path.Combine(Payloads, "push", "with-new-branch.payload.json"));

        using var wrongSecret = await DeliverAsync("push", body, "not the secret");
        await Problem.AssertAsync(wrongSecret, HttpStatusCode.Unauthorized, WebhookSignature.Header);

        using var missing = await DeliverAsync("push", body, secret: null);
        await Problem.AssertAsync(missing, HttpStatusCode.Unauthorized, WebhookSignature.Header);

        var tampered = (byte[])body.Clone();
        var signature = WebhookSignature.Sign(GatewayFixture.WebhookSecret, body);
        tampered[Array.IndexOf(tampered, (byte)'m')] = (byte)'M'; // one byte of the signed body changed
        using var tamperedResponse = await DeliverAsync("push", tampered, secret: null, signature: signature);
        await Problem.AssertAsync(tamperedResponse, HttpStatusCode.Unauthorized, WebhookSignature.Header);

        foreach (var malformed in new[] { "sha1=abc", "sha256=", "sha256=zz" + new string('0', 62), signature.ToUpperInvariant() })
        {
            using var response = await DeliverAsync("push", body, secret: null, signature: malformed);
            await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, WebhookSignature.Header);
        }
    }

    [Fact]
    public async Task Every_real_payload_gets_a_2xx_or_a_clear_4xx()
    {
        var files = Directory.GetFiles(Payloads, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 57, $"expected the 57 payloads, found {files.Count}");
        var answers = new List<string>();
        foreach (var file in files)
        {
            var eventName = Path.GetFileName(Path.GetDirectoryName(file)!);
            var body = await File.ReadAllBytesAsync(file);
            using var response = await DeliverAsync(eventName, body, GatewayFixture.WebhookSecret);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            answers.Add($"{Path.GetRelativePath(Payloads, file)} {status} {text}");
            Assert.True(status is >= 200 and < 300 or >= 400 and < 500, $"{file}: {status} {text}");
            if (status >= 400)
            {
                await Problem.AssertAsync(response, response.StatusCode);
            }
        }

        // What each kind of delivery does with the repositories the fixture configures.
        string Answer(string file) => answers.Single(a => a.StartsWith(file + " ", StringComparison.Ordinal));
        Assert.Contains("\"runIds\":[\"gh-", Answer("push/with-new-branch.payload.json"), StringComparison.Ordinal);
        Assert.Contains("\"runIds\":[]", Answer("push/payload.json"), StringComparison.Ordinal); // a deleted tag
        Assert.Contains("\"runIds\":[\"gh-", Answer("pull_request/opened.payload.json"), StringComparison.Ordinal);
        Assert.Contains("\"runIds\":[\"gh-", Answer("pull_request/synchronize.payload.json"), StringComparison.Ordinal);
        Assert.Contains("\"runIds\":[]", Answer("pull_request/closed.payload.json"), StringComparison.Ordinal);
        Assert.Contains("\"runIds\":[\"gh-", Answer("workflow_dispatch/payload.json"), StringComparison.Ordinal);
        Assert.Contains("is ignored", Answer("check_suite/completed.payload.json"), StringComparison.Ordinal);
        Assert.StartsWith("ping/with-organization.payload.json 202", Answer("ping/with-organization.payload.json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_push_starts_only_the_matching_workflow_and_its_run_succeeds_with_the_pushed_commit()
    {
        var body = await UniqueAsync("push", "with-new-branch.payload.json");
        var delivery = Guid.NewGuid().ToString();
        using var response = await DeliverAsync("push", body, GatewayFixture.WebhookSecret, delivery: delivery);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await Problem.JsonAsync(response);
        var runId = Assert.Single(accepted.GetProperty("runIds").EnumerateArray()).GetString()!;
        Assert.Equal(GitHubWebhookEndpoint.RunIdFor("Codertocat/Hello-World", delivery, "ci.yml"), runId);

        var run = await WorkflowApiTests.WaitForRunAsync(fixture.User, runId);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal("push", run.GetProperty("event").GetString());
        var sha = JsonDocument.Parse(body).RootElement.GetProperty("after").GetString()!;
        var build = await fixture.User.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{Uri.EscapeDataString(runId + "/build")}", UriKind.Relative));
        Assert.Contains($"building {sha}", build.GetProperty("outputTail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redelivery_starts_no_second_run()
    {
        var body = await UniqueAsync("pull_request", "reopened.payload.json");
        var delivery = Guid.NewGuid().ToString();
        using var first = await DeliverAsync("pull_request", body, GatewayFixture.WebhookSecret, delivery: delivery);
        var firstRuns = (await Problem.JsonAsync(first)).GetProperty("runIds").EnumerateArray().Select(r => r.GetString()).ToList();
        var runId = Assert.Single(firstRuns)!;
        var before = await fixture.User.GetFromJsonAsync<JsonElement>(new Uri($"/api/workflows/{runId}", UriKind.Relative));

        using var again = await DeliverAsync("pull_request", body, GatewayFixture.WebhookSecret, delivery: delivery);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var second = await Problem.JsonAsync(again);
        Assert.Equal(firstRuns, second.GetProperty("runIds").EnumerateArray().Select(r => r.GetString()).ToList());
        Assert.Contains("already started", second.GetProperty("message").GetString(), StringComparison.Ordinal);
        var after = await fixture.User.GetFromJsonAsync<JsonElement>(new Uri($"/api/workflows/{runId}", UriKind.Relative));
        Assert.Equal(before.GetProperty("startedAt").GetDateTimeOffset(), after.GetProperty("startedAt").GetDateTimeOffset());

        // The same signed body under a new delivery id is a replay, not a new event (WebhookReplayTests).
        using var replayed = await DeliverAsync("pull_request", body, GatewayFixture.WebhookSecret);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.Empty((await Problem.JsonAsync(replayed)).GetProperty("runIds").EnumerateArray());
    }

    [Fact]
    public async Task Signed_garbage_is_400_naming_the_field_and_unsigned_garbage_401()
    {
        using var notJson = await DeliverAsync("push", Encoding.UTF8.GetBytes("{not json"), GatewayFixture.WebhookSecret);
        await Problem.AssertAsync(notJson, HttpStatusCode.BadRequest, "body");
        using var noRef = await DeliverAsync("push", Encoding.UTF8.GetBytes("""{"repository":{"full_name":"Codertocat/Hello-World"}}"""), GatewayFixture.WebhookSecret);
        await Problem.AssertAsync(noRef, HttpStatusCode.BadRequest, "ref");
        using var noEvent = await DeliverAsync("", Encoding.UTF8.GetBytes("{}"), GatewayFixture.WebhookSecret);
        await Problem.AssertAsync(noEvent, HttpStatusCode.BadRequest, GitHubWebhookEndpoint.EventHeader);
        using var unknownRepository = await DeliverAsync("push", Encoding.UTF8.GetBytes("""{"ref":"refs/heads/main","after":"abc","repository":{"full_name":"someone/else"}}"""), GatewayFixture.WebhookSecret);
        await Problem.AssertAsync(unknownRepository, HttpStatusCode.NotFound, "repository.full_name");
        using var unsigned = await DeliverAsync("push", Encoding.UTF8.GetBytes("{not json"), secret: null);
        await Problem.AssertAsync(unsigned, HttpStatusCode.Unauthorized, WebhookSignature.Header);
    }

    /// <summary>A real payload made unique (a trailing line break and spaces, still the same JSON): each delivery
    /// signs a body no other test delivers, since the same signed body under another delivery id is a replay.</summary>
    public static async Task<byte[]> UniqueAsync(string eventName, string file)
    {
        var body = await File.ReadAllBytesAsync(Path.Combine(Payloads, eventName, file));
        return [.. body, .. Encoding.ASCII.GetBytes("\n" + new string(' ', Interlocked.Increment(ref _unique)))];
    }

    public static async Task<HttpResponseMessage> DeliverAsync(
        GatewayFixture fixture,
        string eventName,
        byte[] body,
        string? secret,
        string? signature = null,
        string? delivery = null,
        string? origin = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        using var client = fixture.App.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Post, GitHubWebhookEndpoint.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(GitHubWebhookEndpoint.EventHeader, eventName);
        request.Headers.Add(GitHubWebhookEndpoint.DeliveryHeader, delivery ?? Guid.NewGuid().ToString());
        if ((signature ?? (secret is null ? null : WebhookSignature.Sign(secret, body))) is { } value)
        {
            request.Headers.Add(WebhookSignature.Header, value);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private Task<HttpResponseMessage> DeliverAsync(string eventName, byte[] body, string? secret, string? signature = null, string? delivery = null) =>
        DeliverAsync(fixture, eventName, body, secret, signature, delivery);
}
