using System.Net;
using System.Net.Http.Json;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary>Servers of their own: no token configured (a generated admin token), anonymous mode, a small rate limit.</summary>
public sealed class SecureDefaultsTests
{
    [Fact]
    public async Task Without_configured_tokens_an_admin_token_is_generated_into_a_private_file_and_reused()
    {
        string token;
        string dataDirectory;
        await using (var app = await GatewayApp.StartAsync(new Dictionary<string, string?>()))
        {
            dataDirectory = app.DataDirectory;
            var path = Path.Combine(app.DataDirectory, "admin-token");
            Assert.True(File.Exists(path));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            token = (await File.ReadAllTextAsync(path)).Trim();
            Assert.True(token.Length >= 32);

            using var anonymous = app.Client(null);
            using var refused = await anonymous.GetAsync(new Uri("/api/pools", UriKind.Relative));
            await Problem.AssertAsync(refused, HttpStatusCode.Unauthorized);

            using var admin = app.Client(token);
            using var dashboard = await admin.GetAsync(new Uri("/dashboard/", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            using var accepted = await admin.PostAsJsonAsync("/api/jobs", new { name = "x", command = "true", labels = new[] { "linux" } });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.False(Directory.Exists(dataDirectory)); // the fixture cleans up; the file is not left behind
    }

    [Fact]
    public async Task Anonymous_mode_opens_read_and_submit_but_not_admin()
    {
        await using var app = await GatewayApp.StartAsync(new Dictionary<string, string?> { ["Foresight:Gateway:AllowAnonymous"] = "true" });
        using var anonymous = app.Client(null);

        using var accepted = await anonymous.PostAsJsonAsync("/api/jobs", new { id = "anon-1", name = "x", command = "true", labels = new[] { "linux" } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var read = await anonymous.GetAsync(new Uri("/api/jobs/anon-1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var dashboard = await anonymous.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        await Problem.AssertAsync(dashboard, HttpStatusCode.Forbidden, "scope");

        // The generated admin token still exists for the admin routes.
        var token = (await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "admin-token"))).Trim();
        using var admin = app.Client(token);
        using var adminDashboard = await admin.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, adminDashboard.StatusCode);

        // Anonymous callers may not name secrets.
        using var secret = await anonymous.PostAsJsonAsync("/api/jobs", new { name = "x", command = "true", secretScope = "anything" });
        await Problem.AssertAsync(secret, HttpStatusCode.Forbidden, "secretScope");
    }

    [Fact]
    public async Task Each_token_has_its_own_bucket_and_excess_requests_get_429_with_retry_after()
    {
        const string first = "rate-limit-token-one-0123456789";
        const string second = "rate-limit-token-two-0123456789";
        var settings = new Dictionary<string, string?>
        {
            ["Foresight:Gateway:RateLimit:Burst"] = "5",
            ["Foresight:Gateway:RateLimit:PermitsPerPeriod"] = "1",
            ["Foresight:Gateway:RateLimit:Period"] = "01:00:00",
        };
        foreach (var pair in GatewayApp.Token("one", first, "read").Concat(GatewayApp.Token("two", second, "read")))
        {
            settings[pair.Key] = pair.Value;
        }

        await using var app = await GatewayApp.StartAsync(settings);
        using var one = app.Client(first);
        for (var i = 0; i < 5; i++)
        {
            using var ok = await one.GetAsync(new Uri("/api/pools", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await one.GetAsync(new Uri("/api/pools", UriKind.Relative));
        await Problem.AssertAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");

        // Another token is not affected; probes are never limited.
        using var two = app.Client(second);
        using var other = await two.GetAsync(new Uri("/api/pools", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        using var health = await one.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_bad_gateway_setting_stops_the_server_with_a_message_naming_the_key()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Foresight:Gateway:Tokens:ci:Sha256"] = "not-hex",
            ["Foresight:Gateway:Tokens:ci:Scopes"] = "read",
        };
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayApp.StartAsync(settings));
        Assert.Contains("Foresight:Gateway:Tokens:ci:Sha256", error.Message, StringComparison.Ordinal);
    }
}
