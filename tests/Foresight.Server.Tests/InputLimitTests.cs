using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Foresight.Abstractions.Jobs;
using Foresight.Server.Tests.Support;

namespace Foresight.Server.Tests;

/// <summary>
/// Hostile job input: path-like ids, control characters (NUL, escape sequences) that would end up in logs, shells and
/// environments, absurd resources, oversized lists, and jobs sent to a pool nobody declared. Each is refused with
/// problem+json naming the field (400), or the limit (413), by the one validator the API, the grains and workflow
/// runs share.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class InputLimitTests(GatewayFixture fixture)
{
    [Theory]
    [InlineData("..")]
    [InlineData("../etc/passwd")]
    [InlineData("a/../b")]
    [InlineData("a/./b")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData(".hidden")]
    [InlineData("-x")]
    [InlineData("a b")]
    public async Task Path_like_or_odd_job_ids_are_400_naming_id(string id)
    {
        using var response = await SubmitAsync(new { id, name = "x", command = "true", labels = new[] { "linux" } });
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, "id");
        using var get = await fixture.User.GetAsync(new Uri($"/api/jobs/{Uri.EscapeDataString(id)}", UriKind.Relative));
        Assert.NotEqual(HttpStatusCode.OK, get.StatusCode);
    }

    [Theory]
    [InlineData("""{"name":"x","command":"echo a\u0000b"}""", "command")]
    [InlineData("""{"name":"x","command":"echo \u001b[2Jcleared"}""", "command")]
    [InlineData("""{"name":"x\u001b[31m","command":"true"}""", "name")]
    [InlineData("""{"name":"x","command":"true","labels":["linux\n"]}""", "labels[0]")]
    [InlineData("""{"name":"x","command":"true","pool":"default\t"}""", "pool")]
    [InlineData("""{"name":"x","command":"true","env":{"A\u0000":"1"}}""", "env")]
    [InlineData("""{"name":"x","command":"true","env":{"A":"1\u0000"}}""", "env.A")]
    [InlineData("""{"name":"x","command":"true","env":{"A=B":"1"}}""", "env")]
    [InlineData("""{"name":"x","steps":[{"run":"echo \u0007"}]}""", "steps[0].run")]
    [InlineData("""{"name":"x","steps":[{"name":"a\rb","run":"true"}]}""", "steps[0].name")]
    [InlineData("""{"name":"x","steps":[{"run":"true","env":{"K":"\u0000"}}]}""", "steps[0].env.K")]
    [InlineData("""{"name":"x","command":"true","cpu":0.001}""", "cpu")]
    [InlineData("""{"name":"x","command":"true","cpu":0}""", "cpu")]
    [InlineData("""{"name":"x","command":"true","memoryMb":0}""", "memoryMb")]
    public async Task Control_characters_and_tiny_resources_are_400_naming_the_field(string json, string field)
    {
        using var response = await fixture.User.PostAsync(new Uri("/api/jobs", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        await Problem.AssertAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Tabs_and_line_breaks_in_scripts_and_the_smallest_resources_are_accepted()
    {
        using var response = await SubmitAsync(new
        {
            id = "limits-ok/one.two_three-4",
            name = "tabs",
            labels = new[] { "linux" },
            cpu = 0.01,
            memoryMb = 1,
            env = new Dictionary<string, string> { ["MULTI"] = "line one\nline two" },
            steps = new object[] { new { run = "printf 'a\\tb\\n'\r\necho done\n" } },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    public static TheoryData<string, string, string> OverLimits => new()
    {
        { "steps", Json(new { name = "x", steps = Enumerable.Range(0, JobLimits.MaxSteps + 1).Select(i => new { run = "true" }) }), "256" },
        { "labels", Json(new { name = "x", command = "true", labels = Enumerable.Range(0, JobLimits.MaxLabels + 1).Select(i => $"l{i}") }), "64" },
        { "labels[1]", Json(new { name = "x", command = "true", labels = new[] { "linux", new string('l', JobLimits.MaxLabelLength + 1) } }), "100" },
        { "env", Json(new { name = "x", command = "true", env = Enumerable.Range(0, JobLimits.MaxEnvEntries + 1).ToDictionary(i => $"K{i}", i => "v") }), "1000" },
        { "steps[0].env", Json(new { name = "x", steps = new[] { new { run = "true", env = Enumerable.Range(0, JobLimits.MaxEnvEntries + 1).ToDictionary(i => $"K{i}", i => "v") } } }), "1000" },
        { "env.K", Json(new { name = "x", command = "true", env = new Dictionary<string, string> { ["K"] = new string('v', JobLimits.MaxEnvValueBytes + 1) } }), "32768" },
        { "env", Json(new { name = "x", command = "true", env = new Dictionary<string, string> { [new string('K', JobLimits.MaxEnvKeyLength + 1)] = "v" } }), "256" },
    };

    [Theory]
    [MemberData(nameof(OverLimits))]
    public async Task Counts_and_sizes_over_a_limit_are_413_naming_the_limit(string field, string json, string limit)
    {
        using var response = await fixture.User.PostAsync(new Uri("/api/jobs", UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await Problem.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, field);
        Assert.Contains(limit, problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_for_an_undeclared_pool_is_400_until_an_admin_declares_it()
    {
        var pool = $"gpu-{Guid.NewGuid():n}"[..12];
        using var refused = await SubmitAsync(new { name = "x", command = "true", labels = new[] { "linux" }, pool });
        var problem = await Problem.AssertAsync(refused, HttpStatusCode.BadRequest, "pool");
        var reason = problem.GetProperty("reason").GetString()!;
        Assert.Contains(pool, reason, StringComparison.Ordinal);
        Assert.Contains("POST /api/pools", reason, StringComparison.Ordinal);
        Assert.Contains("Foresight:Pools", reason, StringComparison.Ordinal);

        var workflow = TestWorkflows.Dispatch.Replace("runs-on: linux", $"runs-on: linux\n    x-foresight:\n      pool: {pool}", StringComparison.Ordinal);
        Assert.NotEqual(TestWorkflows.Dispatch, workflow);
        using var refusedRun = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(workflow, Encoding.UTF8, "application/yaml"));
        problem = await Problem.AssertAsync(refusedRun, HttpStatusCode.BadRequest);
        Assert.EndsWith(".x-foresight.pool", problem.GetProperty("field").GetString(), StringComparison.Ordinal);

        // Only an admin declares pools.
        using var notAdmin = await fixture.User.PostAsJsonAsync("/api/pools", new { name = pool });
        await Problem.AssertAsync(notAdmin, HttpStatusCode.Forbidden, "scope");
        using var badName = await fixture.Admin.PostAsJsonAsync("/api/pools", new { name = "a/b" });
        await Problem.AssertAsync(badName, HttpStatusCode.BadRequest, "name");

        using var declared = await fixture.Admin.PostAsJsonAsync("/api/pools", new { name = pool });
        Assert.Equal(HttpStatusCode.Created, declared.StatusCode);
        using var again = await fixture.Admin.PostAsJsonAsync("/api/pools", new { name = pool });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        using var accepted = await SubmitAsync(new { name = "x", command = "true", labels = new[] { "linux" }, pool });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var acceptedRun = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(workflow, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, acceptedRun.StatusCode);
        var pools = await fixture.Reader.GetFromJsonAsync<JsonElement>(new Uri("/api/pools", UriKind.Relative));
        Assert.Contains(pools.EnumerateArray(), p => p.GetProperty("name").GetString() == pool);
    }

    [Fact]
    public void Workflow_job_ids_keep_their_keys_and_keys_that_would_break_the_id_rule_are_made_safe()
    {
        Assert.Equal("run-1/test (alpha, 1)", JobIdRules.ForWorkflowJob("run-1", "test (alpha, 1)"));
        Assert.Equal("run-1/build #2", JobIdRules.ForWorkflowJob("run-1", "build #2"));
        Assert.Null(JobIdRules.Check("run-1/test (alpha, 1)"));

        var keys = new[] { "deploy (https://a.example)", "deploy (https:__a.example)", "x (../..)", "x (a\nb)", "x (" + new string('v', 500) + ")" };
        var ids = keys.Select(k => JobIdRules.ForWorkflowJob("run-1", k)).ToList();
        Assert.All(ids, id => Assert.Null(JobIdRules.Check(id)));
        Assert.All(ids, id => Assert.StartsWith("run-1/", id, StringComparison.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());

        Assert.NotNull(JobIdRules.CheckClientId("run-1/test (alpha, 1)")); // a client cannot choose such an id
        Assert.Null(JobIdRules.CheckClientId("team/project-1.2_build"));
    }

    [Fact]
    public async Task A_matrix_value_with_slashes_still_runs_with_valid_job_ids()
    {
        const string yaml = """
            name: urls
            on: workflow_dispatch
            jobs:
              probe:
                runs-on: linux
                strategy:
                  matrix:
                    url: ["https://a.example/x", "../up"]
                steps:
                  - run: echo "${{ matrix.url }}"
            """;
        using var created = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var runId = (await Problem.JsonAsync(created)).GetProperty("runId").GetString()!;
        var run = await WorkflowApiTests.WaitForRunAsync(fixture.User, runId);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_workflow_step_with_a_nul_or_escape_sequence_is_refused_by_the_same_validator()
    {
        const string yaml = """
            name: nul
            on: workflow_dispatch
            jobs:
              a:
                runs-on: linux
                steps:
                  - run: "echo \0 \e[2J"
            """;
        using var response = await fixture.User.PostAsync(new Uri("/api/workflows", UriKind.Relative), new StringContent(yaml, Encoding.UTF8, "application/yaml"));
        var problem = await Problem.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "jobs.a.steps[0].run");
        Assert.Contains("U+0000", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private Task<HttpResponseMessage> SubmitAsync(object body) => fixture.User.PostAsJsonAsync("/api/jobs", body);
}
