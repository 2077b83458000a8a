using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Abstractions.Workflows;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary>Workflow files over HTTP: a needs chain around a 2×2 matrix runs in order on the local workers.</summary>
[Collection(GatewayCollection.Name)]
public sealed class WorkflowApiTests(GatewayFixture fixture)
{
    [Fact]
    public async Task A_workflow_with_needs_and_a_2x2_matrix_runs_each_job_after_the_ones_it_needs()
    {
        using var created = await fixture.User.PostAsync(
            new Uri("/api/workflows?ref=refs/heads/main&sha=abc123", UriKind.Relative),
            new StringContent(TestWorkflows.NeedsAndMatrix, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var run = await Problem.JsonAsync(created);
        var runId = run.GetProperty("runId").GetString()!;
        Assert.Equal($"/api/workflows/{runId}", created.Headers.Location?.OriginalString);
        Assert.Equal(6, run.GetProperty("jobs").GetArrayLength());

        var done = await WaitForRunAsync(fixture.User, runId);
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        var jobs = new Dictionary<string, JsonElement>();
        foreach (var job in done.GetProperty("jobs").EnumerateArray())
        {
            var view = await fixture.User.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{Uri.EscapeDataString(job.GetProperty("jobId").GetString()!)}", UriKind.Relative));
            Assert.Equal("Succeeded", view.GetProperty("state").GetString());
            Assert.Equal(0, view.GetProperty("exitCode").GetInt32());
            jobs[job.GetProperty("key").GetString()!] = view;
        }

        var tests = jobs.Where(j => j.Key.StartsWith("test (", StringComparison.Ordinal)).Select(j => j.Value).ToList();
        Assert.Equal(4, tests.Count);
        var buildEnded = jobs["build"].GetProperty("finishedAt").GetDateTimeOffset();
        Assert.All(tests, t => Assert.True(t.GetProperty("submittedAt").GetDateTimeOffset() >= buildEnded, "a test job started before build ended"));
        var testsEnded = tests.Max(t => t.GetProperty("finishedAt").GetDateTimeOffset());
        Assert.True(jobs["report"].GetProperty("submittedAt").GetDateTimeOffset() >= testsEnded, "report started before every test ended");
        Assert.Contains("building abc123", jobs["build"].GetProperty("outputTail").GetString(), StringComparison.Ordinal);
        Assert.Contains(tests, t => t.GetProperty("outputTail").GetString()!.Contains("test beta 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_json_workflow_is_read_like_yaml_and_a_repeated_id_starts_nothing_new()
    {
        const string json = """{"name":"json","on":"workflow_dispatch","jobs":{"one":{"runs-on":"linux","steps":[{"run":"echo from json"}]}}}""";
        using var first = await fixture.User.PostAsync(new Uri("/api/workflows?id=json-run-1", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var again = await fixture.User.PostAsync(new Uri("/api/workflows?id=json-run-1", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("json-run-1", (await Problem.JsonAsync(again)).GetProperty("runId").GetString());
        var done = await WaitForRunAsync(fixture.User, "json-run-1");
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancelling_a_run_cancels_its_running_job_and_skips_the_rest()
    {
        const string yaml = """
            name: slow
            on: workflow_dispatch
            jobs:
              sleep:
                runs-on: linux
                steps:
                  - run: sleep 60
              after:
                needs: sleep
                runs-on: linux
                steps:
                  - run: echo never
            """;
        using var created = await fixture.User.PostAsync(new Uri("/api/workflows?id=cancel-run-1", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "text/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Eventually.ReturnsAsync(
            () => fixture.User.GetFromJsonAsync<JsonElement>(new Uri("/api/jobs/cancel-run-1%2Fsleep", UriKind.Relative)),
            j => j.GetProperty("state").GetString() == "Running",
            TimeSpan.FromSeconds(60),
            "the sleep job running");

        using var cancelled = await fixture.User.PostAsync(new Uri("/api/workflows/cancel-run-1/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        var run = await WaitForRunAsync(fixture.User, "cancel-run-1");
        Assert.Equal("Cancelled", run.GetProperty("status").GetString());
        var sleep = await JobApiTests.WaitForJobAsync(fixture.User, "cancel-run-1/sleep", j => j.GetProperty("isTerminal").GetBoolean());
        Assert.Equal("Cancelled", sleep.GetProperty("state").GetString());
        Assert.All(run.GetProperty("jobs").EnumerateArray(), j => Assert.Equal("Cancelled", j.GetProperty("state").GetString()));

        using var unknown = await fixture.User.GetAsync(new Uri("/api/workflows/no-such-run", UriKind.Relative));
        await Problem.AssertAsync(unknown, HttpStatusCode.NotFound, "id");
        using var unknownCancel = await fixture.User.PostAsync(new Uri("/api/workflows/no-such-run/cancel", UriKind.Relative), null);
        await Problem.AssertAsync(unknownCancel, HttpStatusCode.NotFound, "id");
    }

    [Theory]
    [InlineData("name: x\njobs: [unclosed\n", 400)]
    [InlineData("name: x\non: push\njobs:\n  a:\n    runs-on: linux\n    needs: b\n    steps:\n      - run: true\n  b:\n    runs-on: linux\n    needs: a\n    steps:\n      - run: true\n", 400)]
    [InlineData("name: x\non: push\njobs:\n  a:\n    runs-on: linux\n    colour: blue\n    steps:\n      - run: true\n", 400)]
    [InlineData("name: x\non: push\njobs:\n  a:\n    runs-on: linux\n    container: node:20\n    steps:\n      - run: true\n", 422)]
    [InlineData("", 400)]
    public async Task Bad_workflows_are_refused_with_each_diagnostic_and_its_line_and_column(string yaml, int status)
    {
        using var response = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var problem = await Problem.AssertAsync(response, (HttpStatusCode)status, "workflow");
        var diagnostics = problem.GetProperty("diagnostics");
        Assert.True(diagnostics.GetArrayLength() > 0);
        Assert.All(diagnostics.EnumerateArray(), d =>
        {
            Assert.True(d.GetProperty("line").GetInt32() >= 1);
            Assert.True(d.GetProperty("column").GetInt32() >= 1);
            Assert.False(string.IsNullOrEmpty(d.GetProperty("message").GetString()));
        });
    }

    private const string CallingWorkflow = """
        on: workflow_dispatch
        jobs:
          greet:
            uses: ./.github/workflows/greet.yml
            with: { who: api }
          release:
            uses: octo/tools/.github/workflows/release.yml@v1
          report:
            needs: [greet, release]
            runs-on: linux
            steps:
              - run: echo "got ${{ needs.greet.outputs.line }} and ${{ needs.release.outputs.tag }}"
        """;

    private const string Greet = """
        on:
          workflow_call:
            inputs: { who: { type: string, required: true } }
            outputs:
              line: { value: "${{ jobs.hello.outputs.line }}" }
        jobs:
          hello:
            runs-on: linux
            outputs: { line: "${{ steps.s.outputs.line }}" }
            steps:
              - id: s
                run: echo "line=hello ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
        """;

    /// <summary>A multipart/form-data body of named parts.</summary>
    private static MultipartFormDataContent Upload(params (string Name, string Text)[] parts)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, text) in parts)
        {
            content.Add(new StringContent(text, Encoding.UTF8, "application/yaml"), name, Path.GetFileName(name));
        }

        return content;
    }

    [Fact]
    public async Task A_workflow_sent_with_the_workflows_it_calls_runs_them_and_another_repositorys_comes_from_the_action_cache()
    {
        using var body = Upload(("workflow", CallingWorkflow), (".github/workflows/greet.yml", Greet));
        using var created = await fixture.User.PostAsync(new Uri("/api/workflows?id=api-calls-1", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var done = await WaitForRunAsync(fixture.User, "api-calls-1");
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
        var keys = done.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("key").GetString()).ToList();
        Assert.Contains("greet / hello", keys);
        Assert.Contains("release / tag", keys);
        var report = await JobApiTests.WaitForJobAsync(fixture.User, "api-calls-1/report", j => j.GetProperty("isTerminal").GetBoolean());
        Assert.Contains("got hello api and v1-from-cache", report.GetProperty("outputTail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_called_workflow_neither_sent_nor_cached_and_bad_parts_are_400_naming_the_field_and_the_path()
    {
        // The file alone: the call has nothing to read.
        using var alone = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(CallingWorkflow, Encoding.UTF8, "application/yaml"));
        var problem = await Problem.AssertAsync(alone, HttpStatusCode.BadRequest, "files");
        Assert.Equal(".github/workflows/greet.yml", problem.GetProperty("path").GetString());
        Assert.Contains("job 'greet' (request, line 4, column 11) calls ./.github/workflows/greet.yml: the request has no file '.github/workflows/greet.yml'", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Another repository's workflow that the action cache does not hold: the path looked for.
        var missingRemote = CallingWorkflow.Replace("release.yml@v1", "release.yml@v9", StringComparison.Ordinal);
        using var remote = Upload(("workflow", missingRemote), (".github/workflows/greet.yml", Greet));
        using var notCached = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), remote);
        problem = await Problem.AssertAsync(notCached, HttpStatusCode.BadRequest, "files");
        var cached = Path.Combine(fixture.ActionCache, "octo", "tools", "v9", ".github", "workflows", "release.yml");
        Assert.Equal(cached, problem.GetProperty("path").GetString());
        Assert.Contains($"the request has no file 'octo/tools/.github/workflows/release.yml@v9' and the action cache has none: {cached} does not exist", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // A call inside a sent file whose own call is missing names that file.
        var nested = Greet.Replace("  hello:", "  deeper:\n    uses: ./.github/workflows/deeper.yml\n  hello:", StringComparison.Ordinal);
        using var nestedBody = Upload(("workflow", CallingWorkflow), (".github/workflows/greet.yml", nested));
        using var nestedMissing = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), nestedBody);
        problem = await Problem.AssertAsync(nestedMissing, HttpStatusCode.BadRequest, "files");
        Assert.Equal(".github/workflows/deeper.yml", problem.GetProperty("path").GetString());
        Assert.Contains("job 'deeper' (.github/workflows/greet.yml, line", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Called files that call each other: the run is refused naming the chain.
        var cycle = Greet.Replace("  hello:", "  again:\n    uses: ./.github/workflows/back.yml\n  hello:", StringComparison.Ordinal);
        using var cycleBody = Upload(("workflow", CallingWorkflow), (".github/workflows/greet.yml", cycle), (".github/workflows/back.yml", "on: workflow_call\njobs:\n  forth:\n    uses: ./.github/workflows/greet.yml\n"));
        problem = await Problem.AssertAsync(await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), cycleBody), HttpStatusCode.BadRequest, "workflow");
        Assert.Contains("reusable workflows call each other in a cycle: .github/workflows/greet.yml -> .github/workflows/back.yml -> .github/workflows/greet.yml", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var badName = Upload(("workflow", CallingWorkflow), ("scripts/greet.yml", Greet));
        await Problem.AssertAsync(await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), badName), HttpStatusCode.BadRequest, "files[scripts/greet.yml]");

        using var noWorkflow = Upload((".github/workflows/greet.yml", Greet));
        await Problem.AssertAsync(await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), noWorkflow), HttpStatusCode.BadRequest, "workflow");

        using var twice = Upload(("workflow", CallingWorkflow), (".github/workflows/greet.yml", Greet), (".github/workflows/greet.yml", Greet));
        await Problem.AssertAsync(await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), twice), HttpStatusCode.BadRequest, "files[.github/workflows/greet.yml]");

        using var tooMany = Upload([("workflow", CallingWorkflow), .. Enumerable.Range(0, 21).Select(i => ($".github/workflows/w{i}.yml", Greet))]);
        problem = await Problem.AssertAsync(await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), tooMany), HttpStatusCode.BadRequest, "files");
        Assert.Contains("at most 20 called files", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var noBoundary = new StringContent("x", Encoding.UTF8);
        noBoundary.Headers.ContentType = new("multipart/form-data");
        await Problem.AssertAsync(await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), noBoundary), HttpStatusCode.BadRequest, "Content-Type");
    }

    [Fact]
    public async Task Invalid_utf8_wrong_media_types_and_bad_query_values_are_400_or_415()
    {
        var bytes = Encoding.UTF8.GetBytes(TestWorkflows.Dispatch);
        bytes[10] = 0xFF;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/yaml");
        using var invalid = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), content);
        await Problem.AssertAsync(invalid, HttpStatusCode.BadRequest, "body");

        using var form = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(TestWorkflows.Dispatch, Encoding.UTF8, "text/plain"));
        await Problem.AssertAsync(form, HttpStatusCode.UnsupportedMediaType, "Content-Type");

        using var badId = await fixture.User.PostAsync(new Uri("/api/workflows?id=a/b", UriKind.Relative), new StringContent(TestWorkflows.Dispatch, Encoding.UTF8, "application/yaml"));
        await Problem.AssertAsync(badId, HttpStatusCode.BadRequest, "id");
    }

    [Fact]
    public async Task The_run_list_filters_by_branch_event_and_status_and_refuses_bad_filters_naming_them()
    {
        using var feature = await fixture.User.PostAsync(
            new Uri("/api/workflows?id=filter-run-feature&ref=refs/heads/feature-filter&event=push", UriKind.Relative),
            new StringContent(TestWorkflows.Dispatch, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, feature.StatusCode);
        using var manual = await fixture.User.PostAsync(
            new Uri("/api/workflows?id=filter-run-manual&ref=refs/heads/feature-filter", UriKind.Relative),
            new StringContent(TestWorkflows.Dispatch, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, manual.StatusCode);

        async Task<List<string>> IdsAsync(string query)
        {
            var page = await fixture.User.GetFromJsonAsync<JsonElement>(new Uri($"/api/workflows?{query}&take=200", UriKind.Relative));
            return [.. page.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("runId").GetString()!)];
        }

        Assert.Equal(["filter-run-manual", "filter-run-feature"], await IdsAsync("branch=feature-filter"));
        Assert.Equal(["filter-run-feature"], await IdsAsync("branch=refs/heads/feature-filter&event=PUSH"));
        Assert.Equal(["filter-run-manual"], await IdsAsync("branch=feature-filter&event=workflow_dispatch"));
        Assert.Empty(await IdsAsync("branch=feature-filter&repository=acme/none"));
        await WaitForRunAsync(fixture.User, "filter-run-feature");
        Assert.Contains("filter-run-feature", await IdsAsync("branch=feature-filter&status=succeeded"));

        using var tooLong = await fixture.User.GetAsync(new Uri($"/api/workflows?repository={new string('r', RunFilter.MaxLength + 1)}", UriKind.Relative));
        await Problem.AssertAsync(tooLong, HttpStatusCode.BadRequest, "repository");
        using var control = await fixture.User.GetAsync(new Uri("/api/workflows?branch=main%0Aevil", UriKind.Relative));
        await Problem.AssertAsync(control, HttpStatusCode.BadRequest, "branch");
        using var status = await fixture.User.GetAsync(new Uri("/api/workflows?status=sleeping", UriKind.Relative));
        await Problem.AssertAsync(status, HttpStatusCode.BadRequest, "status");
    }

    internal static Task<JsonElement> WaitForRunAsync(HttpClient client, string runId) =>
        Eventually.ReturnsAsync(
            () => client.GetFromJsonAsync<JsonElement>(new Uri($"/api/workflows/{runId}", UriKind.Relative)),
            r => r.GetProperty("isTerminal").GetBoolean(),
            TimeSpan.FromSeconds(90),
            $"run {runId} ended");
}
