using System.Net;
using System.Net.Http.Json;
using Foresight.Abstractions.Api;
using Foresight.Client;
using Foresight.EndToEnd.Tests.Support;
using Foresight.Server.Tests.Support;
using Foresight.Web.Tests.Support;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Foresight.Web.Tests;

/// <summary>
/// The web UI in a real browser against a real server with real agents: sign in with a token, watch runs and jobs
/// change live, follow a log, cancel from the UI, and what a read-only session and forged requests cannot do.
/// </summary>
public sealed class WebUiTests(WebUiFixture fixture) : IClassFixture<WebUiFixture>
{
    /// <summary>Long enough for jobs on a busy two-core machine; every wait ends as soon as its condition holds.</summary>
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 120_000 };

    private EndToEndCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task A_bad_token_is_refused_and_a_good_one_opens_the_runs_page_which_the_keyboard_can_navigate()
    {
        var context = await fixture.Browser.NewContextAsync(new() { BaseURL = Cluster.BaseAddress.AbsoluteUri });
        var page = await context.NewPageAsync();

        // Without a session every page leads to the sign-in page.
        await page.GotoAsync("/ui/runs", WebUiFixture.Parsed);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/ui/signin"));
        await page.GetByLabel("API token").FillAsync("not-a-token");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That token is not valid.");
        await fixture.ScreenshotAsync(page, "signin");

        await page.GetByLabel("API token").FillAsync(EndToEndCluster.Token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Runs" })).ToBeVisibleAsync();

        // The session cookie is HTTP-only and SameSite=Strict; the token itself is not in it.
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "foresight-ui");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(EndToEndCluster.Token, cookie.Value, StringComparison.Ordinal);

        // The first Tab reaches the skip link, and the navigation follows in order.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Runs", await page.EvaluateAsync<string>("document.activeElement.textContent"));
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pools" })).ToBeVisibleAsync();
        await context.DisposeAsync();
    }

    [Fact]
    public async Task A_workflow_submitted_through_the_api_appears_on_the_runs_page_and_its_run_page_turns_green_live()
    {
        var gate = Gate();
        await using var pageSession = await fixture.SignedInPageAsync(EndToEndCluster.Token);
        var page = pageSession.Page;
        await page.EvaluateAsync("window.notReloaded = true");

        var run = await Cluster.Client.SubmitWorkflowAsync(Pipeline(gate));

        // The Runs page, open before the run existed, shows it without a reload.
        var row = page.Locator($"tr[data-run='{run.RunId}']");
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(row.Locator(".badge")).ToHaveTextAsync("Running", Slow);
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        await fixture.ScreenshotAsync(page, "runs");

        await row.GetByRole(AriaRole.Link).First.ClickAsync();
        await page.EvaluateAsync("window.notReloaded = true");
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("Running");
        await Expect(page.Locator("[data-job='build']")).ToHaveAttributeAsync("data-state", "Running", new() { Timeout = 120_000 });
        Assert.Equal("Pending", await page.Locator("[data-job='deploy']").GetAttributeAsync("data-state"));
        await Expect(page.Locator(".job")).ToHaveCountAsync(4); // build, test (1), test (2), deploy
        await fixture.ScreenshotAsync(page, "run-running");

        File.WriteAllText(gate, "go");
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("Succeeded", Slow);
        foreach (var job in await page.Locator(".job").AllAsync())
        {
            await Expect(job).ToHaveAttributeAsync("data-state", "Succeeded");
            await Expect(job).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bok\b"));
        }

        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"), "the run page reloaded instead of updating in place");
        Assert.Equal("Succeeded", (await Cluster.Client.GetWorkflowAsync(run.RunId)).Status);
        await fixture.ScreenshotAsync(page, "run");

        // Re-run: a new run of the same jobs, which succeeds too (the gate file is there now).
        await page.Locator("#rerun").ClickAsync();
        await Expect(page).Not.ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/ui/runs/{run.RunId}$"));
        await Expect(page.Locator("#run-status")).ToHaveTextAsync("Succeeded", Slow);
        var rerun = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        Assert.Equal("Succeeded", (await Cluster.Client.GetWorkflowAsync(rerun)).Status);
        await page.GotoAsync($"/ui/runs/{run.RunId}", WebUiFixture.Parsed);

        // The job page of a finished workflow job: its attempt on an agent and its step summary as HTML.
        await page.Locator("[data-job='deploy'] a.key").ClickAsync();
        await Expect(page.Locator("#job-state")).ToHaveTextAsync("Succeeded");
        await Expect(page.Locator(".summary h3")).ToHaveTextAsync("Deployed");
        await Expect(page.Locator("#log")).ToContainTextAsync("deploying", new() { Timeout = 60_000 });
        await fixture.ScreenshotAsync(page, "job-finished");
    }

    [Fact]
    public async Task The_runs_page_filters_by_branch_and_trigger_from_its_form_and_keeps_the_filters_live()
    {
        var suffix = Guid.NewGuid().ToString("n")[..8];
        var feature = await Cluster.Client.SubmitWorkflowAsync(Hello, new WorkflowRunOptions(Ref: $"refs/heads/feature-{suffix}", Event: "push"));
        var other = await Cluster.Client.SubmitWorkflowAsync(Hello, new WorkflowRunOptions(Ref: $"refs/heads/other-{suffix}", Event: "push"));
        await using var pageSession = await fixture.SignedInPageAsync(EndToEndCluster.Token);
        var page = pageSession.Page;
        await page.GotoAsync("/ui/runs", WebUiFixture.Parsed);

        await page.GetByLabel("Branch").FillAsync($"feature-{suffix}");
        await page.GetByLabel("Trigger").FillAsync("push");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"branch=feature-{suffix}"));
        await Expect(page.Locator($"tr[data-run='{feature.RunId}']")).ToBeVisibleAsync();
        await Expect(page.Locator($"tr[data-run='{other.RunId}']")).ToHaveCountAsync(0);
        await Expect(page.Locator("#runs-count")).ToContainTextAsync("matching the filters");

        // A run on the filtered branch submitted now appears without a reload; the status links keep the filters.
        await page.EvaluateAsync("window.notReloaded = true");
        var later = await Cluster.Client.SubmitWorkflowAsync(Hello, new WorkflowRunOptions(Ref: $"refs/heads/feature-{suffix}", Event: "push"));
        await Expect(page.Locator($"tr[data-run='{later.RunId}']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        var succeeded = await page.GetByRole(AriaRole.Link, new() { Name = "Succeeded", Exact = true }).GetAttributeAsync("href");
        Assert.Contains($"branch=feature-{suffix}", succeeded, StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "runs-filtered");
    }

    [Fact]
    public async Task A_queued_run_shows_its_predicted_start_on_the_runs_page_until_it_starts()
    {
        // Three gated jobs of one core each fill the three one-core agents, so the run submitted next queues.
        var gate = Gate();
        var blockers = new List<JobView>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                blockers.Add(await Cluster.Client.SubmitJobAsync(new JobSubmission(
                    Name: $"ui-blocker-{i}", Command: $"while [ ! -f '{gate}' ]; do sleep 0.2; done", Labels: ["linux"], Cpu: 1)));
            }

            await Eventually.ReturnsAsync(
                async () => (await Task.WhenAll(blockers.Select(b => Cluster.Client.GetJobAsync(b.Id)))).Count(j => j.State == "Running"),
                running => running == 3,
                TimeSpan.FromSeconds(120),
                "the three blocking jobs running");
            var submittedAt = DateTimeOffset.UtcNow;
            var run = await Cluster.Client.SubmitWorkflowAsync(Hello);

            await using var pageSession = await fixture.SignedInPageAsync(EndToEndCluster.Token);
            var page = pageSession.Page;
            var row = page.Locator($"tr[data-run='{run.RunId}']");
            await Expect(row.Locator(".predicted-start")).ToContainTextAsync("queued · starts ≈ ", new() { Timeout = 60_000 });
            var shown = await row.Locator(".predicted-start").TextContentAsync();
            var at = DateTimeOffset.Parse(shown!.Split('≈')[1].Trim().TrimEnd('Z') + "+00:00", System.Globalization.CultureInfo.InvariantCulture);
            // The page shows whole seconds; the agents are busy, so the start is not before the submission.
            Assert.True(at >= submittedAt.AddSeconds(-1), $"predicted start {at:O} before the run was submitted at {submittedAt:O}");
            await fixture.ScreenshotAsync(page, "runs-queued");

            // Once the agents are free the run starts and ends: the prediction leaves the row without a reload.
            await page.EvaluateAsync("window.notReloaded = true");
            File.WriteAllText(gate, "go");
            await Expect(row.Locator(".badge")).ToHaveTextAsync("Succeeded", Slow);
            await Expect(row.Locator(".predicted-start")).ToHaveCountAsync(0);
            Assert.True(await page.EvaluateAsync<bool>("window.notReloaded === true"));
        }
        finally
        {
            File.WriteAllText(gate, "go");
        }
    }

    [Fact]
    public async Task A_job_page_shows_log_lines_arriving_live_with_ansi_colours_as_spans()
    {
        var gate = Gate();
        var job = await Cluster.Client.SubmitJobAsync(new JobSubmission(
            Name: "ui-log",
            Labels: ["linux"],
            Cpu: 0.1,
            Steps:
            [
                new StepSubmission("greet", "for i in 1 2 3; do echo \"plain line $i\"; printf '\\033[32mgreen line %s\\033[0m\\n' $i; done"),
                new StepSubmission("wait", $"while [ ! -f '{gate}' ]; do sleep 0.2; done; echo 'after the gate'"),
            ]));
        await using var pageSession = await fixture.SignedInPageAsync(EndToEndCluster.Token);
        var page = pageSession.Page;
        await page.GotoAsync($"/ui/job?id={Uri.EscapeDataString(job.Id)}", WebUiFixture.Parsed);

        var log = page.Locator("#log");
        await Expect(log).ToContainTextAsync("green line 3", new() { Timeout = 120_000 });
        // Arrived while the job still runs: the log has not ended, and the job is still Running.
        Assert.Null(await log.GetAttributeAsync("data-ended"));
        await Expect(page.Locator("#job-state")).ToHaveTextAsync("Running");
        Assert.Equal("Running", (await Cluster.Client.GetJobAsync(job.Id)).State);
        var green = log.Locator("span", new() { HasText = "green line 1" });
        await Expect(green).ToHaveCountAsync(1);
        Assert.Contains("color", await green.GetAttributeAsync("style") ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", await log.TextContentAsync() ?? "", StringComparison.Ordinal);
        await fixture.ScreenshotAsync(page, "job-running");

        File.WriteAllText(gate, "go");
        await Expect(log).ToContainTextAsync("after the gate", new() { Timeout = 120_000 });
        await Expect(page.Locator("#log-state")).ToHaveTextAsync("ended (Succeeded)", Slow);
        await Expect(page.Locator("#job-state")).ToHaveTextAsync("Succeeded", Slow);
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "agent-", Exact = false }).First).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "job");
    }

    [Fact]
    public async Task A_running_job_is_cancelled_from_the_ui()
    {
        var job = await SleepingJobAsync("ui-cancel");
        await using var pageSession = await fixture.SignedInPageAsync(EndToEndCluster.Token);
        var page = pageSession.Page;
        await page.GotoAsync($"/ui/job?id={Uri.EscapeDataString(job.Id)}", WebUiFixture.Parsed);
        await Expect(page.Locator("#job-state")).ToHaveTextAsync("Running", Slow);

        await page.Locator("#cancel-job").ClickAsync();

        await Expect(page.Locator("#job-state")).ToHaveTextAsync("Cancelled", Slow);
        await Expect(page.Locator("#cancel-job")).ToHaveCountAsync(0);
        var cancelled = await Cluster.Client.GetJobAsync(job.Id);
        Assert.Equal("Cancelled", cancelled.State);
        Assert.Contains("web UI", cancelled.Reason ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_session_sees_no_cancel_button_and_forged_or_unauthorized_posts_change_nothing()
    {
        var gate = Gate();
        var run = await Cluster.Client.SubmitWorkflowAsync(Pipeline(gate));
        var job = await SleepingJobAsync("ui-forgery");
        var cancelUrl = $"/ui/job?handler=Cancel&id={Uri.EscapeDataString(job.Id)}";
        try
        {
            await using var readerSession = await fixture.SignedInPageAsync(WebUiFixture.ReadToken);
            var reader = readerSession.Page;
            await reader.GotoAsync($"/ui/job?id={Uri.EscapeDataString(job.Id)}", WebUiFixture.Parsed);
            await Expect(reader.Locator("#job-state")).ToHaveTextAsync("Running", Slow);
            await Expect(reader.Locator("#cancel-job")).ToHaveCountAsync(0);
            await reader.GotoAsync($"/ui/runs/{run.RunId}", WebUiFixture.Parsed);
            await Expect(reader.Locator("#run-status")).ToHaveTextAsync("Running");
            await Expect(reader.Locator("#cancel-run")).ToHaveCountAsync(0);
            await Expect(reader.GetByRole(AriaRole.Link, new() { Name = "Orleans Dashboard" })).ToHaveCountAsync(0);

            // The read session posts the cancel form itself, with its own valid anti-forgery token: 403, as in the API.
            var status = await PostFromPageAsync(reader, cancelUrl, withToken: true);
            Assert.Equal((int)HttpStatusCode.Forbidden, status);

            // An admin session's post without the anti-forgery token: 400.
            await using var adminSession = await fixture.SignedInPageAsync(EndToEndCluster.Token);
            var admin = adminSession.Page;
            Assert.Equal((int)HttpStatusCode.BadRequest, await PostFromPageAsync(admin, cancelUrl, withToken: false));

            // A page on another origin (localhost is another origin and site than 127.0.0.1) submits a form to the
            // cancel URL in the admin's browser: refused (Origin), and the SameSite=Strict cookie is not even sent.
            var evil = $"http://localhost:{Cluster.BaseAddress.Port}/evil";
            await admin.Context.RouteAsync(evil, route => route.FulfillAsync(new()
            {
                ContentType = "text/html",
                Body = $"<form method='post' action='{Cluster.BaseAddress.AbsoluteUri.TrimEnd('/')}{cancelUrl}'><button id='go'>win</button></form>",
            }));
            await admin.GotoAsync(evil, WebUiFixture.Parsed);
            var response = await admin.RunAndWaitForResponseAsync(() => admin.Locator("#go").ClickAsync(), r => r.Url.Contains("handler=Cancel", StringComparison.Ordinal));
            Assert.Equal((int)HttpStatusCode.Forbidden, response.Status);

            // Nothing was cancelled.
            Assert.Equal("Running", (await Cluster.Client.GetJobAsync(job.Id)).State);
            await fixture.ScreenshotAsync(reader, "run-read-only");
                }
        finally
        {
            await Cluster.Client.CancelJobAsync(job.Id);
            File.WriteAllText(gate, "go");
        }
    }

    [Fact]
    public async Task The_pools_and_workers_pages_show_the_agents_and_the_autoscaler_at_desktop_and_phone_width()
    {
        await using var pageSession = await fixture.SignedInPageAsync(EndToEndCluster.Token);
        var page = pageSession.Page;
        // Four hours of arrivals counted elsewhere (the ingestion API), a model trained on them, and a decision that
        // used its forecast: the chart then has actual arrivals and a forecast with its interval.
        using (var api = new HttpClient { BaseAddress = Cluster.BaseAddress })
        {
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", EndToEndCluster.Token);
            var now = DateTimeOffset.UtcNow;
            var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute / 5 * 5, 0, TimeSpan.Zero).AddHours(-4);
            var buckets = Enumerable.Range(0, 48).Select(i => new { start = start.AddMinutes(5 * i), count = Math.Round(30 + (20 * Math.Sin(i / 4.0))) });
            using var arrivals = await api.PostAsJsonAsync(new Uri("/api/pools/default/arrivals", UriKind.Relative), new { buckets });
            Assert.True(arrivals.IsSuccessStatusCode, await arrivals.Content.ReadAsStringAsync());
            using var train = await api.PostAsync(new Uri("/api/pools/default/models/train", UriKind.Relative), null);
            Assert.True(train.IsSuccessStatusCode, await train.Content.ReadAsStringAsync());
        }

        await Foresight.Server.Tests.Support.Eventually.ReturnsAsync(
            () => Cluster.Client.GetAutoscalerAsync("default"),
            view => view.Decisions.Any(d => d.Forecast.Count > 0 && d.ForecastSource?.StartsWith("model", StringComparison.Ordinal) == true),
            TimeSpan.FromMinutes(2),
            "a decision with the trained model's forecast");

        // A job that starts gives the load chart a wait: the autoscaler hears its start (with the wait) on the load stream.
        var quick = await Cluster.Client.SubmitJobAsync(new JobSubmission(Name: "quick", Command: "echo quick", Labels: ["linux"], Cpu: 0.1));
        await Foresight.Server.Tests.Support.Eventually.ReturnsAsync(
            () => Cluster.Client.GetAutoscalerAsync("default"),
            view => view.Load?.Any(p => p.WaitP50Seconds is not null) == true,
            TimeSpan.FromMinutes(2),
            $"the start of {quick.Id} with its wait in the autoscaler's load series");

        await page.GotoAsync("/ui/pools", WebUiFixture.Parsed);
        var pool = page.Locator("tr[data-pool='default']");
        await Expect(pool).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(pool.Locator("td").Nth(1)).ToHaveTextAsync("3");
        await Expect(page.Locator("#forecast-chart")).ToBeVisibleAsync();
        // Chart.js drew the series: the actual arrivals, and the forecast's mean with its lower and upper bounds.
        var points = await page.EvaluateAsync<int[]>("Chart.getChart(document.getElementById('forecast-chart')).data.datasets.map(d => d.data.length)");
        Assert.True(points[3] >= 40, $"actual arrivals: {points[3]} points");
        Assert.True(points[0] > 0 && points[0] == points[1] && points[1] == points[2], $"forecast points (upper, lower, mean): {string.Join(", ", points)}");
        // The load chart: wait p50 and p95 per minute (at least the quick job's minute) and the queue depth.
        var load = await page.EvaluateAsync<int[]>("Chart.getChart(document.getElementById('load-chart')).data.datasets.map(d => d.data.length)");
        Assert.True(load[0] >= 1 && load[1] >= 1 && load[2] >= 1, $"load chart points (p95, p50, queue): {string.Join(", ", load)}");
        await fixture.ScreenshotAsync(page, "pools");

        await page.GotoAsync("/ui/workers", WebUiFixture.Parsed);
        foreach (var agent in new[] { "agent-1", "agent-2", "agent-3" })
        {
            await Expect(page.Locator($"tr[data-worker='{agent}']")).ToBeVisibleAsync();
        }

        await fixture.ScreenshotAsync(page, "workers");

        // The model trained above, promoted (the decisions use it): its version row with the backtest figures.
        await page.GotoAsync("/ui/models?pool=default", WebUiFixture.Parsed);
        await Expect(page.Locator("tr[data-version]").First).ToBeVisibleAsync();
        await Expect(page.Locator("main")).ToContainTextAsync("Champion: version");
        await fixture.ScreenshotAsync(page, "models");

        await using var phoneSession = await fixture.SignedInPageAsync(EndToEndCluster.Token, width: 390, height: 844);
        var phone = phoneSession.Page;
        Assert.True(await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the runs page scrolls sideways at phone width");
        await fixture.ScreenshotAsync(phone, "runs-phone");
    }

    /// <summary>Posts the cancel form from inside the page (same origin, the session's cookies), with the page's
    /// anti-forgery token or without; the HTTP status.</summary>
    private static Task<int> PostFromPageAsync(IPage page, string url, bool withToken) =>
        page.EvaluateAsync<int>(
            """
            async ([url, withToken]) => {
              const body = new URLSearchParams();
              const token = document.querySelector("input[name=__RequestVerificationToken]");
              if (withToken) body.set("__RequestVerificationToken", token.value);
              const response = await fetch(url, { method: "POST", body, redirect: "manual" });
              return response.status;
            }
            """,
            new object[] { url, withToken });

    private Task<JobView> SleepingJobAsync(string name) =>
        Cluster.Client.SubmitJobAsync(new JobSubmission(Name: name, Command: "echo started; sleep 300", Labels: ["linux"], Cpu: 0.1));

    /// <summary>A file the test creates to let a job go on (jobs run as another user: /tmp is readable by all).</summary>
    private static string Gate() => Path.Combine("/tmp", $"foresight-ui-gate-{Guid.NewGuid():n}");

    private const string Hello = """
        name: ui-hello
        on: push
        jobs:
          hello:
            runs-on: linux
            steps:
              - run: echo hello
        """;

    private static string Pipeline(string gate) => $$$"""
        name: ui-pipeline
        on: push
        jobs:
          build:
            runs-on: linux
            steps:
              - run: while [ ! -f '{{{gate}}}' ]; do sleep 0.2; done; echo built
          test:
            needs: build
            runs-on: linux
            strategy:
              matrix:
                shard: [1, 2]
            steps:
              - run: echo "testing shard ${{ matrix.shard }}"
          deploy:
            needs: test
            runs-on: linux
            steps:
              - run: echo deploying
              - run: echo '### Deployed' >> "$GITHUB_STEP_SUMMARY"
        """;
}
