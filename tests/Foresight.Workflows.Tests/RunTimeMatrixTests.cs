using Foresight.Workflows.Definitions;

namespace Foresight.Workflows.Tests;

/// <summary>A matrix computed from contexts (<c>fromJSON(needs.x.outputs.m)</c>) is one placeholder job when the run is
/// expanded, and becomes one job per combination when its needs have ended; a value that gives no matrix is an error
/// naming the job.</summary>
public sealed class RunTimeMatrixTests
{
    private const string Workflow = """
        on: push
        jobs:
          prepare:
            runs-on: linux
            outputs:
              matrix: ${{ steps.m.outputs.matrix }}
            steps: [{ id: m, run: make }]
          build:
            needs: prepare
            runs-on: ${{ matrix.os }}
            strategy:
              matrix:
                os: ${{ fromJSON(needs.prepare.outputs.matrix).os }}
                include:
                  - os: linux
                    extra: ${{ github.ref_name }}
            steps:
              - run: echo ${{ matrix.os }} ${{ matrix.extra }} ${{ strategy.job-index }}/${{ strategy.job-total }}
          after:
            needs: build
            runs-on: linux
            steps: [{ run: echo after }]
        """;

    private static readonly WorkflowTrigger Trigger = new("push", "octo/repo", "refs/heads/main", "abc", "mona");

    private static ExpandedWorkflow Expand(string yaml)
    {
        var parsed = WorkflowParser.Parse(yaml, "wf.yml");
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));
        return WorkflowExpander.Expand(parsed.Definition!, Trigger, "run-1");
    }

    private static string Needs(string output) =>
        System.Text.Json.JsonSerializer.Serialize(new { prepare = new { result = "success", outputs = new { matrix = output } } });

    [Fact]
    public void The_job_is_one_placeholder_until_its_needs_end()
    {
        var run = Expand(Workflow);

        Assert.Equal(["prepare", "build", "after"], run.Jobs.Select(j => j.Key));
        var build = run.Jobs.Single(j => j.Key == "build");
        Assert.NotNull(build.RunTimeMatrix);
        Assert.Null(run.Jobs.Single(j => j.Key == "prepare").RunTimeMatrix);
        Assert.Equal(["build"], run.Jobs.Single(j => j.Key == "after").Needs);
    }

    [Fact]
    public void The_needs_outputs_make_the_matrix_and_each_combination_is_a_job()
    {
        var placeholder = Expand(Workflow).Jobs.Single(j => j.Key == "build");

        var expansion = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, "run-1", Needs("""{"os": ["linux", "mac"]}"""));

        Assert.Null(expansion.Error);
        Assert.Equal(["build (linux, main)", "build (mac)"], expansion.Jobs.Select(j => j.Key));
        Assert.All(expansion.Jobs, j => Assert.Equal(["prepare"], j.Needs));
        Assert.All(expansion.Jobs, j => Assert.Equal("build", j.MatrixGroup));
        Assert.Equal(["linux"], expansion.Jobs[0].Labels);
        Assert.Equal(["mac"], expansion.Jobs[1].Labels);
        Assert.Equal("echo linux main 0/2", expansion.Jobs[0].Steps.Single().Run);
        Assert.Equal("echo mac  1/2", expansion.Jobs[1].Steps.Single().Run);
        Assert.Contains("\"matrix\":{\"os\":\"mac\"}", expansion.Jobs[1].Context, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"os": "linux"}""", "job 'build': strategy.matrix (line 13, column 13) gives no matrix: matrix axis 'os' must be a list of values, not a string")]
    [InlineData("""{"os": []}""", "job 'build': strategy.matrix (line 13, column 13) gives no matrix: matrix axis 'os' has no values")]
    [InlineData("not json", "job 'build': the matrix expression failed:")]
    public void A_value_that_gives_no_matrix_is_an_error_naming_the_job_and_the_line(string output, string expected)
    {
        var placeholder = Expand(Workflow).Jobs.Single(j => j.Key == "build");

        var expansion = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, "run-1", Needs(output));

        Assert.Empty(expansion.Jobs);
        Assert.StartsWith(expected, expansion.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_matrix_from_needs_is_read_with_the_rules_and_the_256_job_cap_of_a_written_one()
    {
        var placeholder = Expand("""
            on: push
            jobs:
              prepare:
                runs-on: linux
                steps: [{ run: make }]
              build:
                needs: prepare
                runs-on: linux
                strategy:
                  matrix: ${{ fromJSON(needs.prepare.outputs.matrix) }}
                steps:
                  - run: echo ${{ matrix.n }}
            """).Jobs.Single(j => j.Key == "build");

        var list = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, "r", Needs("[1, 2]"));
        var many = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, "r", Needs($$"""{"n": [{{string.Join(",", Enumerable.Range(1, 300))}}]}"""));
        var excluded = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, "r", Needs("""{"n": [1], "exclude": [{"n": 1}]}"""));
        var fine = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, "r", Needs("""{"n": [1, 2], "exclude": [{"n": 2}], "include": [{"n": 3}]}"""));

        Assert.Equal("job 'build': strategy.matrix (line 10, column 15) gives no matrix: matrix must be a map of axes, not a list", list.Error);
        Assert.Equal("job 'build': strategy.matrix (line 10, column 15) gives no matrix: the matrix expands to 300 jobs; GitHub allows at most 256", many.Error);
        Assert.Equal("job 'build': strategy.matrix (line 10, column 15) gives no matrix: the matrix expands to no jobs (every combination is excluded)", excluded.Error);
        Assert.Null(fine.Error);
        Assert.Equal(["build (1)", "build (3)"], fine.Jobs.Select(j => j.Key));
        Assert.Equal(["echo 1", "echo 3"], fine.Jobs.Select(j => j.Steps.Single().Run));
    }
}
