using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Foresight.Client.Reports;
using Foresight.Server.Tests.Support;
using Foresight.Testing;
using Xunit.Abstractions;

namespace Foresight.Server.Tests;

/// <summary>
/// The metrics, dashboards and alert rules against a real Prometheus (Debian's package): the server runs jobs on
/// local workers while Prometheus scrapes it, then every PromQL expression in dashboards/ is evaluated.
/// </summary>
public sealed class PrometheusTests(ITestOutputHelper output)
{
    /// <summary>
    /// Alert expressions that are empty unless their alert fires, and that this test cannot make fire: no job here
    /// waits a minute (queue-wait SLO), no worker stops heartbeating, and the trained model may well be accurate.
    /// Every other alert is made to fire (a pool with jobs and no worker, failing jobs, a scrape target that is
    /// down, bad webhook signatures) and every dashboard expression must return data.
    /// </summary>
    public static readonly IReadOnlySet<string> QuietAlerts = new HashSet<string>(StringComparer.Ordinal)
    {
        "ForesightQueueWaitSLOBurn", "ForesightHeartbeatLoss", "ForesightForecastAccuracyDegraded",
    };

    private static string Dashboards => Path.Combine(RepositoryRoot.Path, "dashboards");

    [Fact]
    public async Task The_alert_rules_pass_promtool_check_and_their_unit_tests()
    {
        var check = await PrometheusServer.Promtool(null, "check", "rules", Path.Combine(Dashboards, "alerts", "foresight.rules.yml"));
        Assert.True(check.ExitCode == 0, check.Output + check.Errors);
        Assert.Contains("SUCCESS: 7 rules found", check.Output, StringComparison.Ordinal);

        var test = await PrometheusServer.Promtool(null, "test", "rules", Path.Combine(Dashboards, "alerts", "tests", "foresight.rules.test.yml"));
        Assert.True(test.ExitCode == 0, test.Output + test.Errors);
        Assert.Contains("SUCCESS", test.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_dashboard_and_alert_expression_parses_and_returns_data_from_a_real_Prometheus_scraping_a_busy_server()
    {
        await using var server = await ServerProcess.StartAsync(
            localWorkers: 2,
            "--Foresight:Pools:0=default",
            "--Foresight:Pools:1=idle",
            "--Foresight:Autoscaling:Provisioner=shadow",
            "--Foresight:Autoscaling:Pools:default:Policy=hybrid",
            "--Foresight:Autoscaling:Pools:default:IntervalSeconds=1",
            "--Foresight:Gateway:Repositories:0:Name=octo/repo",
            "--Foresight:Gateway:Repositories:0:WebhookSecret=the-real-secret");
        // A second target that nothing answers: up == 0 for the silo-down alert.
        var dead = $"127.0.0.1:{FreePorts.Next()}";
        await using var prometheus = await PrometheusServer.StartAsync(
            [$"{server.BaseAddress.Host}:{server.BaseAddress.Port}", dead],
            [Path.Combine(Dashboards, "alerts", "foresight.rules.yml")]);

        // Counters must be scraped at zero before they move, or rate() and increase() see no change.
        await WaitForDataAsync(prometheus, "foresight_job_transitions_total{pool=\"default\",state=\"Failed\"}");
        await WaitForDataAsync(prometheus, "foresight_webhook_deliveries_total{result=\"signature_invalid\"}");

        await RunWorkloadAsync(server);

        var expressions = DashboardQueries.FromDashboards(Path.Combine(Dashboards, "grafana"))
            .Select(d => (d.Where, Query: DashboardQueries.Fill(d.Expression), MayBeEmpty: false))
            .Concat(DashboardQueries.FromRules(Path.Combine(Dashboards, "alerts"))
                .Select(r => ($"alert {r.Alert}", r.Expression, QuietAlerts.Contains(r.Alert))))
            .ToList();

        // Scrapes every second; rates over a minute need two samples after the workload: wait for every one, with a deadline.
        var answers = await Eventually.ReturnsAsync(
            async () =>
            {
                var list = new List<(string Where, QueryAnswer Answer, bool MayBeEmpty)>();
                foreach (var (where, query, mayBeEmpty) in expressions)
                {
                    list.Add((where, await prometheus.QueryAsync(query), mayBeEmpty));
                }

                return list;
            },
            list => list.All(a => a.Answer.Parsed && (a.MayBeEmpty || a.Answer.Series > 0)),
            TimeSpan.FromSeconds(120),
            "every expression answered with data");

        var empty = answers.Where(a => a.Answer.Series == 0).Select(a => a.Where).ToList();
        output.WriteLine($"{answers.Count} expressions evaluated, {answers.Count - empty.Count} returned data; empty: {string.Join(", ", empty)}");
        Assert.All(answers, a => Assert.True(a.Answer.Parsed, $"{a.Where}: {a.Answer.Error}"));
        Assert.All(empty, e => Assert.Contains(e["alert ".Length..], QuietAlerts));
        Assert.True(answers.Count >= 45, $"only {answers.Count} expressions found in dashboards/");

        // foresight report sla over the same Prometheus: 5 jobs placed and finished in pool default, 3 of them failed (60 %),
        // none waited a minute; pool idle's job was never placed and finished nothing, so the report leaves it out.
        // The expressions above have data once any scrape saw the series; the report counts the workload's five jobs only
        // once a scrape after the last of them has been taken: wait for it rather than read the first answer.
        var sla = await Eventually.ReturnsAsync(
            () => SlaReport.QueryAsync(prometheus.Http, "1h", new Dictionary<string, double> { ["default"] = 60 }, CancellationToken.None),
            r => r.Count == 1 && r[0].Placed >= 5 && r[0].Finished >= 5,
            TimeSpan.FromSeconds(60),
            "a report counting the five jobs of pool default");
        var pool = Assert.Single(sla);
        output.WriteLine($"sla: {pool}");
        // increase() extrapolates past the last scrape by up to half a scrape interval: over the few seconds of samples
        // here that adds up to a sixth or so to every count, never less than the true count.
        Assert.Equal("default", pool.Pool);
        Assert.InRange(pool.Placed, 5, 5 * 1.5);
        Assert.InRange(pool.Finished, 5, 5 * 1.5);
        Assert.InRange(pool.Failed / pool.Finished, 0.5, 0.7);
        Assert.Equal(1.0, pool.WithinTarget);
        Assert.InRange(pool.P95Seconds!.Value, 0, 60);

        // Prometheus itself evaluates the loaded rules without error.
        var rules = await Eventually.ReturnsAsync(prometheus.RulesAsync, r => r.Count == 7 && r.All(x => x.Health == "ok"), TimeSpan.FromSeconds(30), "every rule evaluated");
        Assert.All(rules, r => Assert.Null(r.Error));

        // promtool's lint of the exposition prints nothing.
        var metrics = await server.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        var lint = await PrometheusServer.Promtool(metrics, "check", "metrics");
        Assert.True(lint.ExitCode == 0 && lint.Output.Length == 0 && lint.Errors.Length == 0, $"promtool check metrics:\n{lint.Output}{lint.Errors}");
        Assert.DoesNotContain("job_id", metrics, StringComparison.Ordinal);
    }

    /// <summary>A two-job workflow, three failing jobs, a job in a pool without workers, six badly signed webhooks, a trained model.</summary>
    private static async Task RunWorkloadAsync(ServerProcess server)
    {
        var workflow = TestWorkflows.BuildThenTest("observed");
        using var created = await server.Http.PostAsync(new Uri("/api/workflows?id=observed-1", UriKind.Relative), new StringContent(workflow, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        for (var i = 0; i < 3; i++)
        {
            using var failing = await server.Http.PostAsJsonAsync("/api/jobs", new { id = $"failing-{i}", name = "fails", command = "exit 3", labels = new[] { "linux" }, maxAttempts = 1 });
            Assert.Equal(HttpStatusCode.Accepted, failing.StatusCode);
        }

        using var idle = await server.Http.PostAsJsonAsync("/api/jobs", new { id = "idle-1", name = "waits", command = "true", pool = "idle" });
        Assert.Equal(HttpStatusCode.Accepted, idle.StatusCode);

        for (var i = 0; i < 6; i++)
        {
            using var delivery = new HttpRequestMessage(HttpMethod.Post, new Uri("/webhooks/github", UriKind.Relative))
            {
                Content = new StringContent("""{"repository":{"full_name":"octo/repo"}}""", Encoding.UTF8, "application/json"),
            };
            delivery.Headers.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));
            delivery.Headers.Add("X-GitHub-Event", "push");
            delivery.Headers.Add("X-GitHub-Delivery", $"bad-{i}");
            using var refused = await server.Http.SendAsync(delivery);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Twelve hours of five-minute buckets, then a model trained on them: the accuracy metrics exist.
        var now = DateTimeOffset.UtcNow;
        var first = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.FromMinutes(5).Ticks), TimeSpan.Zero) - TimeSpan.FromHours(12);
        var buckets = Enumerable.Range(0, 144).Select(i => new { start = first + TimeSpan.FromMinutes(5 * i), count = 5 + (3 * Math.Sin(i / 6.0)) + (i % 3) }).ToList();
        using var arrivals = await server.Http.PostAsJsonAsync("/api/pools/default/arrivals", new { buckets });
        Assert.Equal(HttpStatusCode.OK, arrivals.StatusCode);
        using var trained = await server.Http.PostAsync(new Uri("/api/pools/default/models/train", UriKind.Relative), null);
        Assert.True(trained.StatusCode == HttpStatusCode.OK, await trained.Content.ReadAsStringAsync());

        await Eventually.ReturnsAsync(
            () => server.Http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri("/api/workflows/observed-1", UriKind.Relative)),
            r => r.GetProperty("isTerminal").GetBoolean(),
            TimeSpan.FromSeconds(90),
            "the workflow ended");
        for (var i = 0; i < 3; i++)
        {
            var id = $"failing-{i}";
            await Eventually.ReturnsAsync(
                () => server.Http.GetFromJsonAsync<System.Text.Json.JsonElement>(new Uri($"/api/jobs/{id}", UriKind.Relative)),
                j => j.GetProperty("state").GetString() == "Failed",
                TimeSpan.FromSeconds(60),
                $"{id} failed");
        }
    }

    private static Task WaitForDataAsync(PrometheusServer prometheus, string query) =>
        Eventually.ReturnsAsync(() => prometheus.QueryAsync(query), a => a.Series > 0, TimeSpan.FromSeconds(60), $"a scrape with {query}");
}
