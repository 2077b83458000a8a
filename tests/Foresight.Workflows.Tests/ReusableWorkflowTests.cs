using Foresight.Workflows.Dag;
using Foresight.Workflows.Definitions;

namespace Foresight.Workflows.Tests;

/// <summary>Reusable workflows of the same repository (<c>jobs.&lt;id&gt;.uses: ./.github/workflows/x.yml</c>): the called
/// jobs join the run keyed <c>caller / job</c>, with typed inputs, the secrets passed, the caller's needs and
/// condition, and the caller's job carrying the workflow's outputs; bad calls are errors naming the line.</summary>
public sealed class ReusableWorkflowTests
{
    private const string Build = """
        on:
          workflow_call:
            inputs:
              name: { type: string, required: true }
              flag: { type: boolean, default: false }
              level: { type: number, default: 3 }
            outputs:
              artifact:
                description: what was built
                value: ${{ jobs.compile.outputs.file }}
            secrets:
              token: { required: true }
        env:
          WHO: ${{ inputs.name }}
        jobs:
          compile:
            runs-on: linux
            outputs:
              file: ${{ steps.c.outputs.file }}
            steps:
              - id: c
                run: echo ${{ inputs.name }} ${{ inputs.flag }} ${{ inputs.level }} ${{ secrets.token }}
          test:
            needs: compile
            if: always()
            runs-on: linux
            steps:
              - run: echo ${{ needs.compile.outputs.file }}
        """;

    private const string Ci = """
        on: push
        jobs:
          setup:
            runs-on: linux
            steps: [{ run: make }]
          build:
            name: Build it
            needs: setup
            if: github.ref == 'refs/heads/main'
            uses: ./.github/workflows/build.yml
            with:
              name: agents
              flag: ${{ github.ref_name == 'main' }}
            secrets:
              token: ${{ secrets.DEPLOY }}
          deploy:
            needs: build
            runs-on: linux
            steps:
              - run: echo ${{ needs.build.outputs.artifact }}
        """;

    private static readonly WorkflowTrigger Trigger = new("push", "octo/repo", "refs/heads/main", "abc", "mona");

    private static WorkflowParseResult Parse(string yaml, params (string Path, string Text)[] files) =>
        WorkflowParser.Parse(yaml, "ci.yml", path => files.FirstOrDefault(f => f.Path == path).Text);

    private static string[] Problems(WorkflowParseResult result) => [.. result.Diagnostics.Select(d => $"{d.Line}:{d.Column}: {d.Kind}: {d.Message}")];

    [Fact]
    public void The_called_jobs_join_the_run_under_the_caller_with_inputs_secrets_needs_and_condition()
    {
        var parsed = Parse(Ci, (".github/workflows/build.yml", Build));
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));

        var run = WorkflowExpander.Expand(parsed.Definition!, Trigger, "r-1");

        Assert.Equal(["setup", "build / compile", "build / test", "build", "deploy"], run.Jobs.Select(j => j.Key));
        var compile = run.Jobs.Single(j => j.Key == "build / compile");
        var test = run.Jobs.Single(j => j.Key == "build / test");
        var build = run.Jobs.Single(j => j.Key == "build");
        Assert.Equal("Build it / compile", compile.Name);
        Assert.Equal(["setup"], compile.Needs);
        Assert.Equal(["build / compile", "setup"], test.Needs);
        Assert.Equal("echo agents true 3 ${{ secrets.token }}", compile.Steps.Single().Run);
        Assert.Equal("agents", compile.Env["WHO"]);
        Assert.Equal(new Dictionary<string, string> { ["token"] = "DEPLOY" }, compile.SecretNames);
        Assert.Equal("success()", compile.Condition);
        Assert.Equal("always()", test.Condition);
        Assert.Equal(["build / compile", "build / test", "setup"], build.Needs);
        Assert.Equal("always()", build.Condition);
        Assert.Equal(new Dictionary<string, string> { ["artifact"] = "${{ jobs.compile.outputs.file }}" }, build.CallOutputs);
        Assert.Equal(["build"], run.Jobs.Single(j => j.Key == "deploy").Needs);
        Assert.Null(run.Jobs.Single(j => j.Key == "deploy").SecretNames);
        Assert.Equal("compile", NeedsContext.JobIdOf("build / compile"));
        Assert.Equal("fuzz", NeedsContext.JobIdOf("build / fuzz (a / b)"));
    }

    [Fact]
    public void A_false_caller_condition_and_inherited_secrets_reach_nested_calls()
    {
        var outer = """
            on: workflow_call
            jobs:
              inner:
                uses: ./.github/workflows/inner.yml
                secrets: inherit
            """;
        var inner = """
            on: workflow_call
            jobs:
              leaf:
                runs-on: linux
                steps:
                  - run: echo ${{ secrets.ANY }}
            """;
        var parsed = Parse("""
            on: push
            jobs:
              outer:
                if: github.ref == 'refs/heads/other'
                uses: ./.github/workflows/outer.yml
                secrets: inherit
            """, (".github/workflows/outer.yml", outer), (".github/workflows/inner.yml", inner));
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));

        var run = WorkflowExpander.Expand(parsed.Definition!, Trigger, "r-1");

        Assert.Equal(["outer / inner / leaf", "outer / inner", "outer"], run.Jobs.Select(j => j.Key));
        var leaf = run.Jobs[0];
        Assert.Equal("false", leaf.Condition);
        Assert.Equal("always()", run.Jobs[1].Condition);
        Assert.Null(leaf.SecretNames);
        Assert.Equal(["outer / inner / leaf"], run.Jobs[1].Needs);
        Assert.Equal(["outer / inner"], run.Jobs[2].Needs);
    }

    public static TheoryData<string, string, string[], string[]> BadCalls => new()
    {
        {
            "missing file", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/none.yml\n", [],
            ["4:11: error: job 'b' calls ./.github/workflows/none.yml, which is not in the repository (no file .github/workflows/none.yml)"]
        },
        {
            "missing required input", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/build.yml\n    secrets: inherit\n", [".github/workflows/build.yml", Build],
            ["4:11: error: job 'b' does not give input 'name', which ./.github/workflows/build.yml requires"]
        },
        {
            "unknown input and a wrong type", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/build.yml\n    secrets: inherit\n    with:\n      name: x\n      flag: maybe\n      colour: red\n", [".github/workflows/build.yml", Build],
            ["8:13: error: job 'b': input 'flag' of ./.github/workflows/build.yml is a boolean, not 'maybe'", "9:7: error: job 'b': ./.github/workflows/build.yml has no input 'colour' (its inputs: name, flag, level)"]
        },
        {
            "required secret not passed", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/build.yml\n    with: { name: x }\n", [".github/workflows/build.yml", Build],
            ["4:11: error: job 'b' does not pass secret 'token', which ./.github/workflows/build.yml requires"]
        },
        {
            "cycle", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/a.yml\n",
            [".github/workflows/a.yml", "on: workflow_call\njobs:\n  x:\n    uses: ./.github/workflows/b.yml\n", ".github/workflows/b.yml", "on: workflow_call\njobs:\n  y:\n    uses: ./.github/workflows/a.yml\n"],
            ["4:11: error: in ./.github/workflows/a.yml (line 4, column 11): in ./.github/workflows/b.yml (line 4, column 11): reusable workflows call each other in a cycle: .github/workflows/a.yml -> .github/workflows/b.yml -> .github/workflows/a.yml"]
        },
        {
            "calls itself", "on: [push, workflow_call]\njobs:\n  b:\n    uses: ./.github/workflows/ci.yml\n", [".github/workflows/ci.yml", "on: workflow_call\njobs:\n  x:\n    runs-on: linux\n    steps: [{ run: make }]\n"],
            ["4:11: error: reusable workflows call each other in a cycle: .github/workflows/ci.yml -> .github/workflows/ci.yml"]
        },
        {
            "five levels", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/l2.yml\n",
            [
                ".github/workflows/l2.yml", "on: workflow_call\njobs:\n  x:\n    uses: ./.github/workflows/l3.yml\n",
                ".github/workflows/l3.yml", "on: workflow_call\njobs:\n  x:\n    uses: ./.github/workflows/l4.yml\n",
                ".github/workflows/l4.yml", "on: workflow_call\njobs:\n  x:\n    uses: ./.github/workflows/l5.yml\n",
                ".github/workflows/l5.yml", "on: workflow_call\njobs:\n  x:\n    runs-on: linux\n    steps: [{ run: make }]\n",
            ],
            ["4:11: error: in ./.github/workflows/l2.yml (line 4, column 11): in ./.github/workflows/l3.yml (line 4, column 11): in ./.github/workflows/l4.yml (line 4, column 11): job 'x' calls ./.github/workflows/l5.yml as a level-5 workflow: GitHub nests at most 4 levels of workflows (.github/workflows/ci.yml -> .github/workflows/l2.yml -> .github/workflows/l3.yml -> .github/workflows/l4.yml -> .github/workflows/l5.yml)"]
        },
        {
            "not reusable", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/push.yml\n", [".github/workflows/push.yml", "on: push\njobs:\n  x:\n    runs-on: linux\n    steps: [{ run: make }]\n"],
            ["4:11: error: job 'b' calls ./.github/workflows/push.yml, which is not a reusable workflow: its on has no workflow_call"]
        },
        {
            "invalid called file", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/bad.yml\n", [".github/workflows/bad.yml", "on: workflow_call\njobs:\n  x:\n    runs-on: linux\n"],
            ["4:11: error: in ./.github/workflows/bad.yml (line 3, column 3): job 'x' has no steps"]
        },
        {
            "not in .github/workflows", "on: push\njobs:\n  b:\n    uses: ./ci/build.yml\n", [],
            ["4:11: error: job 'b': a reusable workflow is a .yml or .yaml file directly in .github/workflows, not './ci/build.yml'"]
        },
        {
            "steps beside uses", "on: push\njobs:\n  b:\n    uses: ./.github/workflows/build.yml\n    runs-on: linux\n", [],
            ["5:5: error: 'runs-on' is not allowed in job 'b', which calls a reusable workflow (allowed: name, uses, with, secrets, needs, if, permissions, strategy, concurrency)"]
        },
        {
            "another repository", "on: push\njobs:\n  b:\n    uses: octo/other/.github/workflows/build.yml@main\n", [],
            ["4:11: unsupported: job 'b' calls octo/other/.github/workflows/build.yml@main, a workflow of another repository, and there is no action cache to read it from (foresight run --actions-cache, Foresight:Actions:CacheDirectory)"]
        },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void A_bad_call_is_reported_at_its_line_naming_what_is_wrong(string name, string yaml, string[] files, string[] expected)
    {
        // files: path, text, path, text, …
        var result = Parse(yaml, [.. files.Chunk(2).Select(f => (f[0], f[1]))]);

        Assert.Null(result.Definition);
        Assert.True(expected.SequenceEqual(Problems(result)), $"{name}: got\n  {string.Join("\n  ", Problems(result))}");
    }

    [Fact]
    public void The_calls_whose_file_cannot_be_read_are_listed_with_the_key_asked_for_and_the_cache_path_looked_for()
    {
        var cache = Path.Combine(Path.GetTempPath(), $"foresight-no-cache-{Guid.NewGuid():n}");
        var files = new Dictionary<string, string>
        {
            [".github/workflows/lib.yml"] = "on: workflow_call\njobs:\n  inner:\n    uses: ./.github/workflows/gone.yml\n",
        };

        var result = WorkflowParser.Parse(
            "on: push\njobs:\n  a:\n    uses: ./.github/workflows/lib.yml\n  b:\n    uses: octo/tools/.github/workflows/x.yml@v2\n",
            "ci.yml",
            path => files.GetValueOrDefault(path),
            cache);

        Assert.Null(result.Definition);
        Assert.Equal(
            [
                new UnresolvedCall(".github/workflows/lib.yml", "inner", "./.github/workflows/gone.yml", ".github/workflows/gone.yml", null, 4, 11),
                new UnresolvedCall("ci.yml", "b", "octo/tools/.github/workflows/x.yml@v2", "octo/tools/.github/workflows/x.yml@v2", Path.Combine(cache, "octo", "tools", "v2", ".github", "workflows", "x.yml"), 6, 11),
            ],
            result.UnresolvedCalls);
        Assert.True(WorkflowParser.IsCalledWorkflowKey(".github/workflows/x.yaml"));
        Assert.True(WorkflowParser.IsCalledWorkflowKey("octo/tools/.github/workflows/x.yml@v2"));
        Assert.False(WorkflowParser.IsCalledWorkflowKey("octo/tools/.github/workflows/x.yml@.."));
        Assert.False(WorkflowParser.IsCalledWorkflowKey(".github/workflows/sub/x.yml"));
        Assert.False(WorkflowParser.IsCalledWorkflowKey("workflow"));
    }

    [Fact]
    public void Without_the_repository_s_files_a_call_is_unsupported_and_says_where_it_runs()
    {
        var result = WorkflowParser.Parse("on: push\njobs:\n  b:\n    uses: ./.github/workflows/build.yml\n", "ci.yml");

        Assert.Equal(["4:5: unsupported: job 'b' calls a reusable workflow (uses: ./.github/workflows/build.yml), which is read from the repository's files: run it with foresight run, workflows check, a webhook of a configured repository, or POST /api/workflows as multipart/form-data with the called files"], Problems(result));
    }

    [Fact]
    public void The_callers_result_is_failed_cancelled_skipped_or_succeeded_from_the_called_jobs()
    {
        Assert.Equal((Scheduling.Jobs.JobState.Failed, false), CalledWorkflow.Result([(Scheduling.Jobs.JobState.Succeeded, false, false), (Scheduling.Jobs.JobState.Failed, false, false)]));
        Assert.Equal((Scheduling.Jobs.JobState.Succeeded, false), CalledWorkflow.Result([(Scheduling.Jobs.JobState.Failed, false, true), (Scheduling.Jobs.JobState.Cancelled, true, false)]));
        Assert.Equal((Scheduling.Jobs.JobState.Cancelled, true), CalledWorkflow.Result([(Scheduling.Jobs.JobState.Cancelled, true, false)]));
        Assert.Equal((Scheduling.Jobs.JobState.Cancelled, false), CalledWorkflow.Result([(Scheduling.Jobs.JobState.Cancelled, false, false)]));
        var jobs = NeedsContext.Build([("compile", "success", new Dictionary<string, string> { ["file"] = "app.tgz" })]);
        Assert.Equal(new Dictionary<string, string> { ["artifact"] = "app.tgz (success)" },
            CalledWorkflow.Outputs(new Dictionary<string, string> { ["artifact"] = "${{ jobs.compile.outputs.file }} (${{ jobs.compile.result }})" }, "{}", jobs).Outputs);
    }
}
