using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary>Bearer tokens with scopes: 401 without a valid token, 403 naming the missing scope.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthTests(GatewayFixture fixture)
{
    private static readonly object Job = new { name = "auth", command = "true", labels = new[] { "linux" } };

    [Fact]
    public async Task Without_a_token_the_api_answers_401_with_a_bearer_challenge()
    {
        using var anonymous = fixture.App.Client(null);
        foreach (var response in new[]
                 {
                     await anonymous.GetAsync(new Uri("/api/jobs/x", UriKind.Relative)),
                     await anonymous.PostAsJsonAsync("/api/jobs", Job),
                     await anonymous.GetAsync(new Uri("/api/pools", UriKind.Relative)),
                     await anonymous.GetAsync(new Uri("/dashboard/", UriKind.Relative)),
                 })
        {
            using (response)
            {
                await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, "Authorization");
                Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
            }
        }
    }

    [Fact]
    public async Task A_wrong_token_is_401_invalid_token_and_a_malformed_header_too()
    {
        using var wrong = fixture.App.Client("not-a-configured-token");
        using var response = await wrong.GetAsync(new Uri("/api/pools", UriKind.Relative));
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, "Authorization");
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());

        using var client = fixture.App.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/pools");
        request.Headers.TryAddWithoutValidation("Authorization", "Token abc");
        using var malformed = await client.SendAsync(request);
        await Problem.AssertAsync(malformed, HttpStatusCode.Unauthorized, "Authorization");
    }

    [Fact]
    public async Task Each_scope_opens_its_routes_and_a_missing_scope_is_403_naming_it()
    {
        // read: GETs only.
        using var readGet = await fixture.Reader.GetAsync(new Uri("/api/pools", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, readGet.StatusCode);
        using var readPost = await fixture.Reader.PostAsJsonAsync("/api/jobs", Job);
        var body = await Problem.AssertAsync(readPost, HttpStatusCode.Forbidden, "scope");
        Assert.Equal("submit", body.GetProperty("requiredScope").GetString());
        using var readCancel = await fixture.Reader.PostAsync(new Uri("/api/jobs/x/cancel", UriKind.Relative), null);
        await Problem.AssertAsync(readCancel, HttpStatusCode.Forbidden, "scope");

        // submit: POSTs only.
        using var submitPost = await fixture.Submitter.PostAsJsonAsync("/api/jobs", new { id = "auth-submit-1", name = "auth", command = "true", labels = new[] { "linux" } });
        Assert.Equal(HttpStatusCode.Accepted, submitPost.StatusCode);
        using var submitGet = await fixture.Submitter.GetAsync(new Uri("/api/jobs/auth-submit-1", UriKind.Relative));
        body = await Problem.AssertAsync(submitGet, HttpStatusCode.Forbidden, "scope");
        Assert.Equal("read", body.GetProperty("requiredScope").GetString());

        // The dashboard and anything unlisted need admin.
        foreach (var client in new[] { fixture.Reader, fixture.Submitter, fixture.User })
        {
            using var dashboard = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));
            body = await Problem.AssertAsync(dashboard, HttpStatusCode.Forbidden, "scope");
            Assert.Equal("admin", body.GetProperty("requiredScope").GetString());
        }

        // admin: everything.
        using var adminDashboard = await fixture.Admin.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, adminDashboard.StatusCode);
        using var adminGet = await fixture.Admin.GetAsync(new Uri("/api/jobs/auth-submit-1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, adminGet.StatusCode);
        using var adminPost = await fixture.Admin.PostAsJsonAsync("/api/jobs", Job);
        Assert.Equal(HttpStatusCode.Accepted, adminPost.StatusCode);
    }

    [Fact]
    public async Task With_the_dashboard_off_its_route_is_gone_and_the_api_still_answers()
    {
        const string admin = "dashboard-off-admin-token-0123456789";
        var settings = new Dictionary<string, string?> { ["Server:Dashboard"] = "false" };
        foreach (var pair in GatewayApp.Token("admin", admin, "admin"))
        {
            settings[pair.Key] = pair.Value;
        }

        await using var app = await GatewayApp.StartAsync(settings);
        using var client = app.Client(admin);
        using var dashboard = await client.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
        using var tokens = await client.GetAsync(new Uri("/api/agents/registration-tokens", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, tokens.StatusCode);

        // On by default (the fixture's server): there it answers.
        using var withDashboard = await fixture.Admin.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, withDashboard.StatusCode);
    }

    [Fact]
    public async Task A_browser_can_open_the_dashboard_with_the_token_as_basic_password()
    {
        using var anonymous = fixture.App.Client(null);
        using var challenge = await anonymous.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        Assert.Contains(challenge.Headers.WwwAuthenticate, h => h.Scheme == "Basic");

        using var basic = fixture.App.Client(null);
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{GatewayFixture.AdminToken}")));
        using var dashboard = await basic.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task Health_metrics_and_the_openapi_document_are_open()
    {
        using var anonymous = fixture.App.Client(null);
        using var health = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var metrics = await anonymous.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);

        using var openApi = await anonymous.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
        var document = await Problem.JsonAsync(openApi);
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/logs", "/api/jobs/{id}/cancel", "/api/pools", "/api/workers" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"the OpenAPI document lacks {path}");
        }

        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }
}
