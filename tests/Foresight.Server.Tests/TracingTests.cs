using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Net;
using System.Text;
using Foresight.Abstractions.Observability;
using Foresight.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Foresight.Server.Tests;

/// <summary>OpenTelemetry tracing with the in-memory exporter: one workflow run is one trace, from the HTTP request to the agent.</summary>
public sealed class TracingTests
{
    private const string Token = "tracing-test-token-0123456789abcdef";

    [Fact]
    public async Task A_workflow_with_two_jobs_is_one_trace_covering_the_request_both_queue_waits_and_the_agent_side_execution()
    {
        var spans = new SpanList();
        var settings = new Dictionary<string, string?>(GatewayApp.Token("tracing", Token, "read,submit"))
        {
            ["Foresight:Tracing:Enabled"] = "true",
        };
        await using var app = await GatewayApp.StartAsync(settings, localWorkers: 2,
            configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)));
        var client = app.Client(Token);

        using var created = await client.PostAsync(
            new Uri("/api/workflows?id=traced-run-1", UriKind.Relative), new StringContent(TestWorkflows.BuildThenTest("traced"), Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var done = await WorkflowApiTests.WaitForRunAsync(client, "traced-run-1");
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());

        // The run span ends with the run, the request span once its response is written: both may trail the answer.
        var all = await Eventually.ReturnsAsync(
            () => Task.FromResult(spans.Snapshot()),
            s => s.Any(a => a.DisplayName == "run traced") && s.Count(a => a.DisplayName.StartsWith("execute ", StringComparison.Ordinal)) == 2,
            TimeSpan.FromSeconds(30),
            "the run's spans exported");

        var run = Assert.Single(all, a => a.DisplayName == "run traced");
        Assert.Equal(ActivityKind.Server, run.Kind);
        Assert.Equal("traced", run.GetTagItem(CicdAttributes.PipelineName));
        Assert.Equal("traced-run-1", run.GetTagItem(CicdAttributes.PipelineRunId));
        Assert.Equal("success", run.GetTagItem(CicdAttributes.PipelineResult));
        var trace = all.Where(a => a.TraceId == run.TraceId).ToList();

        var request = Assert.Single(trace, a => a.Source.Name == "Microsoft.AspNetCore" && a.SpanId == run.ParentSpanId);
        Assert.Equal(ActivityKind.Server, request.Kind);
        Assert.Equal("POST /api/workflows", request.DisplayName);
        Assert.Equal(201, request.GetTagItem("http.response.status_code"));

        foreach (var key in new[] { "build", "test" })
        {
            var job = Assert.Single(trace, a => a.DisplayName == $"job {key}");
            Assert.Equal(run.SpanId, job.ParentSpanId);
            Assert.Equal(key, job.GetTagItem(CicdAttributes.TaskName));
            Assert.Equal("traced-run-1", job.GetTagItem(CicdAttributes.PipelineRunId));
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
        }

        // The second job waited for the first: its queue wait starts after the first job's span ended.
        var build = trace.Single(a => a.DisplayName == "job build");
        var testWait = trace.Single(a => a.DisplayName == "queue wait" && (string?)a.GetTagItem(CicdAttributes.TaskName) == "test");
        Assert.True(testWait.StartTimeUtc >= build.StartTimeUtc + build.Duration - TimeSpan.FromMilliseconds(50));
    }

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
