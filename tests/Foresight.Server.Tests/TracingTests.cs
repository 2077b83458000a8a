using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using System.Text;
using Foresight.Abstractions.Observability;
using Foresight.Server.Tests.Support;
using Foresight.Server.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Foresight.Server.Tests;

/// <summary>OpenTelemetry tracing with the in-memory exporter: one workflow run is one trace, from the HTTP request to the agent.</summary>
public sealed class TracingTests
{
    private const string Token = "tracing-test-token-0123456789abcdef";

    private const string HookSecret = "tracing-hook-secret";

    [Fact]
    public async Task A_workflow_with_two_jobs_is_one_trace_covering_the_request_both_queue_waits_and_the_agent_side_execution()
    {
        var spans = new SpanList();
        await using var app = await StartAsync(spans);
        var client = app.Client(Token);

        using var created = await client.PostAsync(
            new Uri("/api/workflows?id=traced-run-1", UriKind.Relative), new StringContent(TestWorkflows.BuildThenTest("traced"), Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var request = await AssertOneTraceAsync(client, spans, "traced", "traced-run-1");
        Assert.Equal("POST /api/workflows", request.DisplayName);
        Assert.Equal(201, request.GetTagItem("http.response.status_code"));
    }

    [Fact]
    public async Task A_webhook_delivery_starts_the_trace_of_the_run_it_starts()
    {
        var spans = new SpanList();
        await using var app = await StartAsync(spans);
        var body = Encoding.UTF8.GetBytes("""{"ref":"refs/heads/main","workflow":".github/workflows/hooked.yml","repository":{"full_name":"octo/hooked"},"sender":{"login":"octocat"}}""");
        using var delivery = new HttpRequestMessage(HttpMethod.Post, new Uri(GitHubWebhookEndpoint.Path, UriKind.Relative)) { Content = new ByteArrayContent(body) };
        delivery.Content.Headers.ContentType = new("application/json");
        delivery.Headers.Add(GitHubWebhookEndpoint.EventHeader, "workflow_dispatch");
        delivery.Headers.Add(GitHubWebhookEndpoint.DeliveryHeader, Guid.NewGuid().ToString());
        delivery.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(HookSecret, body));
        using var anonymous = app.Client(null);
        using var accepted = await anonymous.SendAsync(delivery);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var runId = Assert.Single((await Problem.JsonAsync(accepted)).GetProperty("runIds").EnumerateArray()).GetString()!;

        var request = await AssertOneTraceAsync(app.Client(Token), spans, "hooked", runId);
        Assert.Equal($"POST {GitHubWebhookEndpoint.Path}", request.DisplayName);
        Assert.Equal(202, request.GetTagItem("http.response.status_code"));
    }

    private static Task<GatewayApp> StartAsync(SpanList spans)
    {
        var settings = new Dictionary<string, string?>(GatewayApp.Token("tracing", Token, "read,submit"))
        {
            ["Foresight:Tracing:Enabled"] = "true",
            ["Foresight:Gateway:Repositories:0:Name"] = "octo/hooked",
            ["Foresight:Gateway:Repositories:0:WebhookSecret"] = HookSecret,
            ["Foresight:Gateway:Repositories:0:Workflows:hooked.yml"] = TestWorkflows.BuildThenTest("hooked"),
        };
        return GatewayApp.StartAsync(settings, localWorkers: 2,
            configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
    }

    /// <summary>
    /// Waits for the run to succeed and its spans to be exported, then checks the one trace: the request span, the run
    /// span under it, a job span per job under the run, and under each job its queue wait and its execution on the
    /// agent. Returns the request span.
    /// </summary>
    private static async Task<Activity> AssertOneTraceAsync(HttpClient client, SpanList spans, string workflow, string runId)
    {
        var done = await WorkflowApiTests.WaitForRunAsync(client, runId);
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());

        // The run span ends with the run, the request span once its response is written: both may trail the answer.
        // The tracer provider listens process-wide, so servers of other tests running meanwhile export into this list
        // too: everything is judged within the run's own trace.
        var all = await Eventually.ReturnsAsync(
            () => Task.FromResult(spans.Snapshot()),
            s => RunTrace(s, workflow, runId) is { } t
                && t.Count(a => a.DisplayName.StartsWith("execute ", StringComparison.Ordinal)) == 2
                && t.Any(a => a.Source.Name == "Microsoft.AspNetCore" && a.DisplayName.StartsWith("POST ", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the run's spans exported");

        var run = Assert.Single(all, a => IsRunSpan(a, workflow, runId));
        Assert.Equal(ActivityKind.Server, run.Kind);
        Assert.Equal(workflow, run.GetTagItem(CicdAttributes.PipelineName));
        Assert.Equal(runId, run.GetTagItem(CicdAttributes.PipelineRunId));
        Assert.Equal("success", run.GetTagItem(CicdAttributes.PipelineResult));
        var trace = all.Where(a => a.TraceId == run.TraceId).ToList();
        var request = Assert.Single(trace, a => a.Source.Name == "Microsoft.AspNetCore" && a.SpanId == run.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);

        foreach (var key in new[] { "build", "test" })
        {
            var job = Assert.Single(trace, a => a.DisplayName == $"job {key}");
            Assert.Equal(run.SpanId, job.ParentSpanId);
            Assert.Equal(key, job.GetTagItem(CicdAttributes.TaskName));
            Assert.Equal(runId, job.GetTagItem(CicdAttributes.PipelineRunId));
            Assert.NotNull(job.GetTagItem(CicdAttributes.TaskRunId));
            Assert.Equal("success", job.GetTagItem(CicdAttributes.TaskRunResult));

            var wait = Assert.Single(trace, a => a.DisplayName == "queue wait" && a.ParentSpanId == job.SpanId);
            Assert.Equal(key, wait.GetTagItem(CicdAttributes.TaskName));
            Assert.NotNull(wait.GetTagItem(CicdAttributes.WorkerId));
            Assert.True(wait.StartTimeUtc >= job.StartTimeUtc);

            var execute = Assert.Single(trace, a => a.DisplayName == $"execute {key}" && a.ParentSpanId == job.SpanId);
            Assert.Equal(ActivityKind.Consumer, execute.Kind);
            Assert.Equal(wait.GetTagItem(CicdAttributes.WorkerId), execute.GetTagItem(CicdAttributes.WorkerId));
            Assert.Equal("success", execute.GetTagItem(CicdAttributes.TaskRunResult));
            Assert.True(execute.StartTimeUtc >= wait.StartTimeUtc + wait.Duration - TimeSpan.FromSeconds(1), "the agent ran the job before its wait ended");

            // The scheduler's placement under the job: the worker that then claimed it.
            var placement = Assert.Single(trace, a => a.DisplayName == "placement" && a.ParentSpanId == job.SpanId);
            Assert.Equal(wait.GetTagItem(CicdAttributes.WorkerId), placement.GetTagItem(CicdAttributes.WorkerId));

            // The job span's events: the claim (by the worker the wait names) and the agent's result.
            var claimed = Assert.Single(job.Events, e => e.Name == "claimed");
            Assert.Equal(wait.GetTagItem(CicdAttributes.WorkerId), claimed.Tags.Single(t => t.Key == CicdAttributes.WorkerId).Value);
            var result = Assert.Single(job.Events, e => e.Name == "result");
            Assert.Equal("Succeeded", result.Tags.Single(t => t.Key == "foresight.attempt.end").Value);
            Assert.Equal(0, result.Tags.Single(t => t.Key == "process.exit.code").Value);
            Assert.True(result.Timestamp >= claimed.Timestamp);
        }

        // The second job waited for the first: its queue wait starts after the first job's span ended.
        var build = trace.Single(a => a.DisplayName == "job build");
        var testWait = trace.Single(a => a.DisplayName == "queue wait" && (string?)a.GetTagItem(CicdAttributes.TaskName) == "test");
        Assert.True(testWait.StartTimeUtc >= build.StartTimeUtc + build.Duration - TimeSpan.FromMilliseconds(50));
        return request;
    }

    private static bool IsRunSpan(Activity a, string workflow, string runId) =>
        a.DisplayName == $"run {workflow}" && (string?)a.GetTagItem(CicdAttributes.PipelineRunId) == runId;

    /// <summary>The spans of the run's trace, or null while its run span has not been exported.</summary>
    private static List<Activity>? RunTrace(IReadOnlyList<Activity> spans, string workflow, string runId) =>
        spans.FirstOrDefault(a => IsRunSpan(a, workflow, runId)) is { } run ? [.. spans.Where(a => a.TraceId == run.TraceId)] : null;

    /// <summary>The exporter adds from the exporting thread while the test reads.</summary>
    private sealed class SpanList : Collection<Activity>
    {
        private readonly Lock _lock = new();

        public List<Activity> Snapshot()
        {
            lock (_lock)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, Activity item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }
    }
}
