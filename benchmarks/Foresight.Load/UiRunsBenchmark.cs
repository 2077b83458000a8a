using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Foresight.Load;

/// <summary>
/// The web UI's Runs page with many runs in storage: the server app in this process (embedded storage), runs started
/// through <c>POST /api/workflows</c> (so each is indexed as every run is: the workflow grain tells the run index),
/// then a signed-in browser session's <c>GET /ui/runs</c> timed on loopback, newest page and an older filtered page.
/// Most runs' one job is skipped (<c>if: false</c>, the run ends Succeeded at once); every tenth run's job waits in a
/// pool without workers (the run stays Running), so that a status filter has to look past the others.
/// </summary>
internal static partial class UiRunsBenchmark
{
    private const string Finished = """
        name: bench-finished
        on: push
        jobs:
          build:
            if: false
            runs-on: linux
            steps:
              - run: echo never
        """;

    private const string Waiting = """
        name: bench-waiting
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: echo waits for a worker
        """;

    public static async Task<(double StoreSeconds, double P50Ms, double P95Ms, double FilteredP50Ms, long Indexed)> RunAsync(int runs, int requests, int concurrency)
    {
        var token = "bench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var app = InProcessServer.Build(token, "admin", out var dataDirectory);
        await app.StartAsync();
        try
        {
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            Console.WriteLine($"ui-runs: storing {runs} runs through POST /api/workflows, {concurrency} concurrent");
            var clock = Stopwatch.StartNew();
            var next = 0;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) is var i && i <= runs)
                {
                    using var body = new StringContent(i % 10 == 0 ? Waiting : Finished, Encoding.UTF8, "application/yaml");
                    using var response = await api.PostAsync(new Uri($"/api/workflows?id=bench-{i}", UriKind.Relative), body);
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        throw new InvalidOperationException($"run {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
            }));
            var storeSeconds = clock.Elapsed.TotalSeconds;
            var indexed = await api.GetStringAsync(new Uri("/api/workflows?take=1", UriKind.Relative));
            var total = long.Parse(TotalOf().Match(indexed).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine($"ui-runs: stored in {ThroughputBenchmark.Format(storeSeconds)} s; the index lists {total}");

            using var browser = await SignInAsync(address, token);
            var newest = await TimeAsync(browser, "/ui/runs", requests, "bench-");
            var filtered = await TimeAsync(browser, $"/ui/runs?status=Running&skip={runs / 20}", requests, "bench-");
            return (storeSeconds, Percentiles.Of(newest, 50), Percentiles.Of(newest, 95), Percentiles.Of(filtered, 50), total);
        }
        finally
        {
            await app.StopAsync();
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    /// <summary>A client with the UI's session cookie, signed in as a browser does (the form and its anti-forgery token).</summary>
    private static async Task<HttpClient> SignInAsync(Uri address, string token)
    {
        var browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };
        var form = await browser.GetStringAsync(new Uri("/ui/signin", UriKind.Relative));
        var antiforgery = AntiforgeryField().Match(form).Groups[1].Value;
        using var body = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token, ["__RequestVerificationToken"] = antiforgery });
        using var response = await browser.PostAsync(new Uri("/ui/signin", UriKind.Relative), body);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"sign-in answered {(int)response.StatusCode}");
        }

        return browser;
    }

    /// <summary>Latencies of <paramref name="requests"/> sequential GETs (after 5 not counted), each checked to list runs.</summary>
    private static async Task<List<double>> TimeAsync(HttpClient browser, string path, int requests, string expected)
    {
        var latencies = new List<double>(requests);
        for (var i = -5; i < requests; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await browser.GetAsync(new Uri(path, UriKind.Relative));
            var html = await response.Content.ReadAsStringAsync();
            clock.Stop();
            if (response.StatusCode != HttpStatusCode.OK || !html.Contains(expected, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode}, runs listed: {html.Contains(expected, StringComparison.Ordinal)}");
            }

            if (i >= 0)
            {
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine($"ui-runs: GET {path}: p50 {ThroughputBenchmark.Format(Percentiles.Of(latencies, 50))} ms over {requests} requests");
        return latencies;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("\"total\":([0-9]+)")]
    private static partial Regex TotalOf();
}
