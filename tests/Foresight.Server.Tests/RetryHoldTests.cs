using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Foresight.Server.Tests.Support;
using Foresight.Testing;

namespace Foresight.Server.Tests;

/// <summary>
/// A retry waiting out its back-off is held by the pool scheduler with its due time and placed when it is due, not at
/// the scheduler's next reconciliation (set to 10 minutes here, far beyond the test's deadline).
/// </summary>
public sealed class RetryHoldTests
{
    private const string Token = "retry-hold-token-0123456789abcdef";

    [Fact]
    public async Task A_retry_runs_when_its_back_off_ends_long_before_the_next_reconciliation()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foresight:ReconcilePeriod"] = "00:10:00",
            ["Foresight:JobWatchPeriod"] = "00:10:00",
        };
        foreach (var pair in GatewayApp.Token("user", Token, "read,submit"))
        {
            settings[pair.Key] = pair.Value;
        }

        await using var app = await GatewayApp.StartAsync(settings, localWorkers: 1);
        var user = app.Client(Token);
        using var files = new TempDir(writableByJobs: true);
        var marker = files.File("first-attempt-ran");
        using var accepted = await user.PostAsJsonAsync("/api/jobs", new
        {
            id = "retry-held",
            name = "flaky",
            command = $"if [ -f '{marker}' ]; then echo second; else touch '{marker}'; exit 75; fi",
            labels = new[] { "linux" },
            retryableExitCodes = new[] { 75 },
            maxAttempts = 2,
        });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var job = await Eventually.ReturnsAsync(
            () => user.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs/retry-held", UriKind.Relative)),
            j => j.GetProperty("isTerminal").GetBoolean(),
            TimeSpan.FromSeconds(60),
            "the retried job's end");
        Assert.True(job.GetProperty("state").GetString() == "Succeeded", job.ToString());
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
    }
}
