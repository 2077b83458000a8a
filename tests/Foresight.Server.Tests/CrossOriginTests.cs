using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Foresight.Server.Tests.Support;
using Foresight.Server.Webhooks;

namespace Foresight.Server.Tests;

/// <summary>
/// Attacks on the gateway from a browser: a page on another origin posting a form or JSON to the API with the
/// victim's credentials (a bearer token a script got hold of, or the Basic credentials a browser resends by itself
/// after the dashboard asked for them). Each is refused and creates nothing.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CrossOriginTests(GatewayFixture fixture)
{
    private const string Evil = "http://evil.example";

    [Fact]
    public async Task Basic_credentials_are_refused_everywhere_but_the_dashboard()
    {
        using var basic = BasicAdmin();
        using var read = await basic.GetAsync(new Uri("/api/pools", UriKind.Relative));
        var problem = await Problem.AssertAsync(read, HttpStatusCode.Unauthorized, "Authorization");
        Assert.Contains("only under /dashboard", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var submit = await basic.PostAsJsonAsync("/api/jobs", new { id = "basic-attack-1", name = "x", command = "true", labels = new[] { "linux" } });
        await Problem.AssertAsync(submit, HttpStatusCode.Unauthorized, "Authorization");
        await AssertNoJobAsync("basic-attack-1");

        using var dashboard = await basic.GetAsync(new Uri("/dashboard/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Theory]
    [InlineData("bearer", "application/x-www-form-urlencoded")]
    [InlineData("bearer", "application/json")]
    [InlineData("basic", "application/x-www-form-urlencoded")]
    [InlineData("basic", "text/plain")]
    [InlineData("none", "application/json")]
    public async Task A_cross_origin_post_is_403_naming_origin_and_creates_no_job(string credentials, string contentType)
    {
        var id = $"csrf-{credentials}-{contentType.Replace('/', '-')}";
        using var client = credentials switch
        {
            "bearer" => fixture.App.Client(GatewayFixture.AdminToken),
            "basic" => BasicAdmin(),
            _ => fixture.App.Client(null),
        };
        var json = $$"""{"id":"{{id}}","name":"csrf","command":"touch /tmp/pwned","labels":["linux"]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = new StringContent(contentType == "application/x-www-form-urlencoded" ? $"id={id}&command=true&{Uri.EscapeDataString(json)}=" : json, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("Origin", Evil);
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        using var response = await client.SendAsync(request);

        var problem = await Problem.AssertAsync(response, HttpStatusCode.Forbidden, "Origin");
        Assert.Contains(Evil, problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
        await AssertNoJobAsync(id);
    }

    [Theory]
    [InlineData("null", null)]
    [InlineData("http://127.0.0.1.evil.example", null)]
    [InlineData("https://ci.example.com.evil.example", null)]
    [InlineData(null, "cross-site")]
    [InlineData(null, "same-site")]
    public async Task A_write_from_an_opaque_or_look_alike_origin_or_another_site_is_refused(string? origin, string? site)
    {
        var id = $"csrf-odd-{Guid.NewGuid():n}";
        using var request = Submission(id, origin, site);
        using var response = await fixture.Admin.SendAsync(request);
        await Problem.AssertAsync(response, HttpStatusCode.Forbidden, "Origin");
        await AssertNoJobAsync(id);

        // Cancelling is a write too.
        using var cancel = new HttpRequestMessage(HttpMethod.Post, "/api/jobs/anything/cancel");
        AddBrowserHeaders(cancel, origin, site);
        using var cancelled = await fixture.Admin.SendAsync(cancel);
        await Problem.AssertAsync(cancelled, HttpStatusCode.Forbidden, "Origin");
    }

    [Fact]
    public async Task Writes_without_an_origin_from_the_own_origin_or_an_allowed_one_still_work_and_reads_are_not_affected()
    {
        var own = fixture.App.BaseAddress.GetLeftPart(UriPartial.Authority);
        foreach (var (origin, site) in new[] { ((string?)null, (string?)null), (own, "same-origin"), (GatewayFixture.AllowedOrigin, "cross-site"), (null, "none") })
        {
            var id = $"origin-ok-{Guid.NewGuid():n}";
            using var request = Submission(id, origin, site);
            using var response = await fixture.Admin.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{origin} {site}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/pools");
        read.Headers.Add("Origin", Evil);
        using var pools = await fixture.Reader.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, pools.StatusCode);
    }

    [Fact]
    public async Task The_github_webhook_is_exempt_from_the_origin_rule()
    {
        var body = Encoding.UTF8.GetBytes("""{"zen":"Keep it logically awesome.","hook_id":1}""");
        using var response = await WebhookTests.DeliverAsync(fixture, "ping", body, GatewayFixture.WebhookSecret, origin: Evil);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // Still authenticated by its signature alone.
        using var unsigned = await WebhookTests.DeliverAsync(fixture, "ping", body, secret: null, origin: Evil);
        await Problem.AssertAsync(unsigned, HttpStatusCode.Unauthorized, WebhookSignature.Header);
    }

    private static HttpRequestMessage Submission(string id, string? origin, string? site)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = JsonContent.Create(new { id, name = "origin", command = "true", labels = new[] { "linux" } }),
        };
        AddBrowserHeaders(request, origin, site);
        return request;
    }

    private static void AddBrowserHeaders(HttpRequestMessage request, string? origin, string? site)
    {
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (site is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", site);
        }
    }

    private HttpClient BasicAdmin()
    {
        var client = fixture.App.Client(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{GatewayFixture.AdminToken}")));
        return client;
    }

    private async Task AssertNoJobAsync(string id)
    {
        using var job = await fixture.Admin.GetAsync(new Uri($"/api/jobs/{Uri.EscapeDataString(id)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, job.StatusCode);
    }
}
