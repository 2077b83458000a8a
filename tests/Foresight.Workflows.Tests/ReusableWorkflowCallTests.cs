using Foresight.Testing;
using Foresight.Workflows.Definitions;

namespace Foresight.Workflows.Tests;

/// <summary>Calls of reusable workflows beyond the same repository's fixed inputs: a workflow of another repository from
/// the action cache, inputs over <c>needs</c> (expanded when the caller's needs have ended) and a matrix on the caller.</summary>
public sealed class ReusableWorkflowCallTests
{
    private const string Release = """
        on:
          workflow_call:
            inputs:
              version: { type: string, required: true }
              channel: { type: string, default: stable }
            outputs:
              tag:
                value: ${{ jobs.publish.outputs.tag }}
        jobs:
          publish:
            runs-on: linux
            outputs:
              tag: ${{ steps.p.outputs.tag }}
            steps:
              - id: p
                run: echo publish ${{ inputs.version }} on ${{ inputs.channel }}
        """;

    private static readonly WorkflowTrigger Trigger = new("push", "octo/repo", "refs/heads/main", "abc", "mona");

    private static WorkflowParseResult Parse(string yaml, params (string Path, string Text)[] files) =>
        WorkflowParser.Parse(yaml, "ci.yml", path => files.FirstOrDefault(f => f.Path == path).Text);

    private static string[] Problems(WorkflowParseResult result) => [.. result.Diagnostics.Select(d => $"{d.Line}:{d.Column}: {d.Kind}: {d.Message}")];

    private static string Needs(string job, string output, string value) =>
        System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { [job] = new { result = "success", outputs = new Dictionary<string, string> { [output] = value } } });

    [Fact]
    public void A_workflow_of_another_repository_comes_from_the_action_cache_with_its_own_local_calls()
    {
        using var cache = new TempDir();
        var folder = Directory.CreateDirectory(Path.Combine(cache.Path, "octo", "tools", "v2", ".github", "workflows")).FullName;
        File.WriteAllText(Path.Combine(folder, "release.yml"), """
            on:
              workflow_call:
                inputs:
                  version: { type: string, required: true }
            jobs:
              inner:
                uses: ./.github/workflows/publish.yml
                with:
                  version: ${{ inputs.version }}
            """);
        File.WriteAllText(Path.Combine(folder, "publish.yml"), Release);

        var parsed = WorkflowParser.Parse("""
            on: push
            jobs:
              release:
                uses: octo/tools/.github/workflows/release.yml@v2
                with:
                  version: "1.2"
            """, "ci.yml", _ => null, cache.Path);
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));

        var run = WorkflowExpander.Expand(parsed.Definition!, Trigger, "r-1");

        Assert.Equal(["release / inner / publish", "release / inner", "release"], run.Jobs.Select(j => j.Key));
        Assert.Equal("echo publish 1.2 on stable", run.Jobs[0].Steps.Single().Run);
    }

    [Fact]
    public void A_missing_cache_entry_is_an_error_naming_the_path_looked_for()
    {
        using var cache = new TempDir();

        var parsed = WorkflowParser.Parse("on: push\njobs:\n  b:\n    uses: octo/tools/.github/workflows/release.yml@v2\n", "ci.yml", _ => null, cache.Path);

        Assert.Equal([$"4:11: error: job 'b' calls octo/tools/.github/workflows/release.yml@v2, which is not in the action cache: {Path.Combine(cache.Path, "octo", "tools", "v2", ".github", "workflows", "release.yml")} does not exist"], Problems(parsed));
    }

    [Theory]
    [InlineData("octo/tools/.github/workflows/release.yml")]
    [InlineData("octo/../.github/workflows/release.yml@v2")]
    [InlineData("octo/tools/.github/workflows/sub/release.yml@v2")]
    [InlineData("octo/tools/.github/workflows/release.yml@../../x")]
    public void A_malformed_reference_is_an_error_and_never_leaves_the_cache(string uses)
    {
        using var cache = new TempDir();

        var parsed = WorkflowParser.Parse($"on: push\njobs:\n  b:\n    uses: {uses}\n", "ci.yml", _ => null, cache.Path);

        Assert.Equal([$"4:11: error: job 'b': uses must name a workflow file, ./.github/workflows/<file>.yml or owner/repo/.github/workflows/<file>.yml@ref, not '{uses}'"], Problems(parsed));
    }

    private const string WithNeeds = """
        on: push
        jobs:
          version:
            runs-on: linux
            outputs:
              v: ${{ steps.v.outputs.v }}
            steps: [{ id: v, run: 'echo v=3.1 >> $GITHUB_OUTPUT' }]
          release:
            needs: version
            uses: ./.github/workflows/release.yml
            with:
              version: ${{ needs.version.outputs.v }}
          announce:
            needs: release
            runs-on: linux
            steps: [{ run: 'echo ${{ needs.release.outputs.tag }}' }]
        """;

    [Fact]
    public void Inputs_over_needs_wait_for_the_callers_needs_then_the_call_expands_with_their_outputs()
    {
        var parsed = Parse(WithNeeds, (".github/workflows/release.yml", Release));
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));

        var run = WorkflowExpander.Expand(parsed.Definition!, Trigger, "r-1");

        Assert.Equal(["version", "release", "announce"], run.Jobs.Select(j => j.Key));
        var placeholder = run.Jobs[1];
        Assert.NotNull(placeholder.RunTimeMatrix);
        Assert.Null(placeholder.CallOutputs);
        Assert.Equal(["version"], placeholder.Needs);

        var expansion = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, "r-1", Needs("version", "v", "3.1"));

        Assert.Null(expansion.Error);
        Assert.Equal(["release / publish", "release"], expansion.Jobs.Select(j => j.Key));
        Assert.Equal(["release"], expansion.Heads);
        Assert.Equal("echo publish 3.1 on stable", expansion.Jobs[0].Steps.Single().Run);
        Assert.Equal(["version"], expansion.Jobs[0].Needs);
        Assert.Equal(["release / publish", "version"], expansion.Jobs[1].Needs);
        Assert.NotNull(expansion.Jobs[1].CallOutputs);
    }

    [Fact]
    public void A_matrix_on_the_caller_calls_the_workflow_once_per_combination()
    {
        var parsed = Parse("""
            on: push
            jobs:
              release:
                strategy:
                  matrix:
                    channel: [stable, beta]
                uses: ./.github/workflows/release.yml
                with:
                  version: "2.0"
                  channel: ${{ matrix.channel }}
              announce:
                needs: release
                runs-on: linux
                steps: [{ run: echo done }]
            """, (".github/workflows/release.yml", Release));
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));

        var run = WorkflowExpander.Expand(parsed.Definition!, Trigger, "r-1");

        Assert.Equal(["release (stable) / publish", "release (stable)", "release (beta) / publish", "release (beta)", "announce"], run.Jobs.Select(j => j.Key));
        Assert.Equal("echo publish 2.0 on stable", run.Jobs[0].Steps.Single().Run);
        Assert.Equal("echo publish 2.0 on beta", run.Jobs[2].Steps.Single().Run);
        Assert.Equal("release (beta) / publish", run.Jobs[2].Name);
        Assert.Equal(["release (stable)", "release (beta)"], run.Jobs[4].Needs);
    }

    [Fact]
    public void A_matrix_over_needs_on_the_caller_is_expanded_when_they_have_ended()
    {
        var parsed = Parse("""
            on: push
            jobs:
              plan:
                runs-on: linux
                outputs:
                  channels: ${{ steps.p.outputs.channels }}
                steps: [{ id: p, run: make }]
              release:
                needs: plan
                strategy:
                  matrix:
                    channel: ${{ fromJSON(needs.plan.outputs.channels) }}
                uses: ./.github/workflows/release.yml
                with:
                  version: "2.0"
                  channel: ${{ matrix.channel }}
            """, (".github/workflows/release.yml", Release));
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));
        var placeholder = WorkflowExpander.Expand(parsed.Definition!, Trigger, "r-1").Jobs.Single(j => j.Key == "release");

        var expansion = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, "r-1", Needs("plan", "channels", """["edge","lts"]"""));

        Assert.Null(expansion.Error);
        Assert.Equal(["release (edge) / publish", "release (edge)", "release (lts) / publish", "release (lts)"], expansion.Jobs.Select(j => j.Key));
        Assert.Equal(["release (edge)", "release (lts)"], expansion.Heads);
        Assert.Equal("echo publish 2.0 on lts", expansion.Jobs[2].Steps.Single().Run);
    }
}
