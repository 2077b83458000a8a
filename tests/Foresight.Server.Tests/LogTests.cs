using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary>Logs over HTTP: streamed while the job runs, resumable from an offset, secrets masked.</summary>
[Collection(GatewayCollection.Name)]
public sealed class LogTests(GatewayFixture fixture)
{
    [Fact]
    public async Task Following_a_log_streams_lines_while_the_job_runs_and_ends_when_it_ends()
    {
        await SubmitAsync("logs-follow-1", "for i in 1 2 3 4 5; do echo line $i; sleep 0.3; done");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs/logs-follow-1/logs?follow=true");
        using var response = await fixture.User.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", Header(response, "X-Foresight-Attempt"));
        Assert.Equal("0", Header(response, "X-Foresight-Offset"));
        Assert.True(response.Headers.TransferEncodingChunked, "a followed log is streamed");

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        string? stateAtFirstLine = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("line ", StringComparison.Ordinal) && stateAtFirstLine is null)
            {
                stateAtFirstLine = (await JobAsync("logs-follow-1")).GetProperty("state").GetString();
            }

            lines.Add(line);
        }

        // The stream ended by itself, after the job had ended, with every line in order.
        Assert.Equal("Running", stateAtFirstLine);
        Assert.True((await JobAsync("logs-follow-1")).GetProperty("isTerminal").GetBoolean());
        Assert.Equal(["line 1", "line 2", "line 3", "line 4", "line 5"], lines.Where(l => l.StartsWith("line ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_log_can_be_read_again_from_a_byte_offset()
    {
        await SubmitAsync("logs-offset-1", "echo first; echo second");
        await JobApiTests.WaitForJobAsync(fixture.User, "logs-offset-1", j => j.GetProperty("isTerminal").GetBoolean());

        using var whole = await fixture.User.GetAsync(new Uri("/api/jobs/logs-offset-1/logs", UriKind.Relative));
        var text = await whole.Content.ReadAsStringAsync();
        Assert.Contains("first\n", text, StringComparison.Ordinal);
        var next = long.Parse(Header(whole, "X-Foresight-Next-Offset")!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Encoding.UTF8.GetByteCount(text), next);

        var offset = Encoding.UTF8.GetByteCount(text[..(text.IndexOf("first\n", StringComparison.Ordinal) + "first\n".Length)]);
        using var rest = await fixture.User.GetAsync(new Uri($"/api/jobs/logs-offset-1/logs?attempt=1&offset={offset}&follow=true", UriKind.Relative));
        Assert.Equal(offset.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(rest, "X-Foresight-Offset"));
        var tail = await rest.Content.ReadAsStringAsync();
        Assert.StartsWith("second", tail, StringComparison.Ordinal);
        Assert.DoesNotContain("first", tail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_a_job_echoes_is_masked_in_the_stored_and_the_streamed_log()
    {
        using var accepted = await fixture.User.PostAsJsonAsync("/api/jobs", new
        {
            id = "logs-secret-1",
            name = "leaky",
            labels = new[] { "linux" },
            secretScope = GatewayFixture.SecretScope,
            steps = new[] { new { run = "sleep 0.5; echo \"the secret is $DEMO_SECRET\"" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var streamed = await fixture.User.GetStringAsync(new Uri("/api/jobs/logs-secret-1/logs?follow=true", UriKind.Relative));
        var stored = await fixture.User.GetStringAsync(new Uri("/api/jobs/logs-secret-1/logs", UriKind.Relative));
        var job = await JobAsync("logs-secret-1");
        Assert.Equal("Succeeded", job.GetProperty("state").GetString());
        foreach (var text in new[] { streamed, stored, job.GetProperty("outputTail").GetString()! })
        {
            Assert.Contains("the secret is ***", text, StringComparison.Ordinal);
            Assert.DoesNotContain(GatewayFixture.SecretValue, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_log_requests_are_4xx_naming_the_parameter_and_a_dropped_follower_does_not_hurt()
    {
        await SubmitAsync("logs-bad-1", "sleep 30");
        foreach (var (query, field, status) in new[]
                 {
                     ("attempt=0", "attempt", HttpStatusCode.BadRequest),
                     ("attempt=x", "attempt", HttpStatusCode.BadRequest),
                     ("offset=-1", "offset", HttpStatusCode.BadRequest),
                     ("follow=maybe", "follow", HttpStatusCode.BadRequest),
                     ("attempt=7", "attempt", HttpStatusCode.NotFound),
                 })
        {
            using var response = await fixture.User.GetAsync(new Uri($"/api/jobs/logs-bad-1/logs?{query}", UriKind.Relative));
            await Problem.AssertAsync(response, status, field);
        }

        using var unknown = await fixture.User.GetAsync(new Uri("/api/jobs/no-such-job/logs", UriKind.Relative));
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound, "id");

        // A follower that goes away mid-stream leaves the server serving.
        using (var cancel = new CancellationTokenSource())
        {
            using var following = await fixture.User.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/jobs/logs-bad-1/logs?follow=true"), HttpCompletionOption.ResponseHeadersRead, cancel.Token);
            Assert.Equal(HttpStatusCode.OK, following.StatusCode);
            await cancel.CancelAsync();
        }

        using var cancelled = await fixture.User.PostAsync(new Uri("/api/jobs/logs-bad-1/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        using var healthy = await fixture.User.GetAsync(new Uri("/api/pools", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    private async Task SubmitAsync(string id, string command)
    {
        using var accepted = await fixture.User.PostAsJsonAsync("/api/jobs", new { id, name = id, command, labels = new[] { "linux" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    private Task<JsonElement> JobAsync(string id) =>
        fixture.User.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{id}", UriKind.Relative));

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;
}
