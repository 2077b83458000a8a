using System.Net;
using System.Text.RegularExpressions;
using Foresight.Integration.Tests.Support;
using Npgsql;

namespace Foresight.Integration.Tests;

/// <summary>
/// The web UI's sessions with PostgreSQL storage: two silo processes started together share one data protection key
/// (made once, under the database lock), so a session cookie made on either silo opens pages on the other — a load
/// balancer needs no sticky sessions.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class UiSessionAcrossSilosTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_session_made_on_one_silo_opens_pages_on_the_other()
    {
        var cs = await postgres.NewDatabaseAsync();
        await using var first = SiloProcess.Launch(cs, "ui-pair");
        await using var second = SiloProcess.Launch(cs, "ui-pair");
        await Task.WhenAll(first.WaitUntilHealthyAsync(Start), second.WaitUntilHealthyAsync(Start));

        var fromFirst = await SignInAsync(first);
        var fromSecond = await SignInAsync(second);

        Assert.Equal(HttpStatusCode.OK, await RunsPageAsync(second, fromFirst));
        Assert.Equal(HttpStatusCode.OK, await RunsPageAsync(first, fromSecond));
        Assert.Equal(HttpStatusCode.OK, await RunsPageAsync(first, fromFirst));

        // The check means something: a cookie that is not one of theirs leads to the sign-in page.
        Assert.Equal(HttpStatusCode.Redirect, await RunsPageAsync(second, fromFirst[..^4] + "AAAA"));

        // Both silos started at once, and the service has one key.
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM foresight_ui_keys WHERE serviceid = 'ui-pair'", connection);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    /// <summary>Signs in as a browser does (the form's anti-forgery token and cookie); the session cookie (name=value).</summary>
    private static async Task<string> SignInAsync(SiloProcess silo)
    {
        using var http = Client(silo);
        using var page = await http.GetAsync(new Uri("/ui/signin", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var antiforgery = AntiforgeryField().Match(html);
        Assert.True(antiforgery.Success, $"no anti-forgery field on the sign-in page:\n{html}");
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri("/ui/signin", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = SiloProcess.AdminToken,
                ["returnUrl"] = "/ui/runs",
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value),
            }),
        };
        post.Headers.Add("Cookie", CookieOf(page, "foresight-ui-af"));
        using var signedIn = await http.SendAsync(post);
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"sign-in on silo {silo.HttpPort}: {(int)signedIn.StatusCode}\n{silo.Log}");
        return CookieOf(signedIn, "foresight-ui");
    }

    private static async Task<HttpStatusCode> RunsPageAsync(SiloProcess silo, string cookie)
    {
        using var http = Client(silo);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/ui/runs", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpClient Client(SiloProcess silo) =>
        new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}") };

    private static string CookieOf(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
