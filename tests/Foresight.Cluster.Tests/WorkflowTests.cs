using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workflows;
using Foresight.Cluster.Tests.Support;
using Foresight.Scheduling.Jobs;

namespace Foresight.Cluster.Tests;

/// <summary>Workflow runs: jobs start only when what they need has succeeded; a failure skips what depends on it.</summary>
public sealed class WorkflowTests(ShellClusterFixture fixture) : IClassFixture<ShellClusterFixture>
{
    private readonly ForesightCluster _cluster = fixture.Cluster;

    private static WorkflowJobSpec Step(string key, string command, params string[] needs) =>
        new(key, new JobSpec(key, command, ["linux"], Cpu: 1, MemoryMb: 64, Pool: "shell"), needs);

    [Fact]
    public async Task Jobs_run_in_needs_order_and_the_run_succeeds()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"foresight-wf-{Guid.NewGuid():n}");
        var spec = new WorkflowSpec("diamond",
        [
            Step("build", $"echo build >> {marker}"),
            Step("test-a", $"grep -q build {marker} && echo test-a >> {marker}", "build"),
            Step("test-b", $"grep -q build {marker} && echo test-b >> {marker}", "build"),
            Step("deploy", $"grep -q test-a {marker} && grep -q test-b {marker} && echo deploy >> {marker}", "test-a", "test-b"),
        ]);

        await _cluster.Client.GetGrain<IWorkflowGrain>("wf-ok").Start(spec);
        WorkflowRecord run = null!;
        await Eventually.HoldsAsync(async () => (run = await _cluster.Client.GetGrain<IWorkflowGrain>("wf-ok").GetState()).FinishedAt is not null, TimeSpan.FromSeconds(30));

        Assert.Equal(WorkflowStatus.Succeeded, run.Status);
        var lines = await File.ReadAllLinesAsync(marker);
        Assert.Equal("build", lines[0]);
        Assert.Equal("deploy", lines[^1]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task A_failed_job_skips_the_jobs_that_need_it_and_fails_the_run()
    {
        var spec = new WorkflowSpec("broken",
        [
            Step("build", "exit 1"),
            Step("test", "true", "build"),
            Step("lint", "true"),
        ]);

        await _cluster.Client.GetGrain<IWorkflowGrain>("wf-fail").Start(spec);
        WorkflowRecord run = null!;
        await Eventually.HoldsAsync(async () => (run = await _cluster.Client.GetGrain<IWorkflowGrain>("wf-fail").GetState()).FinishedAt is not null, TimeSpan.FromSeconds(30));

        Assert.Equal(WorkflowStatus.Failed, run.Status);
        Assert.Equal(JobState.Failed, run.JobStates["build"]);
        Assert.Equal(JobState.Cancelled, run.JobStates["test"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["lint"]);
        Assert.Equal(JobState.Pending, (await _cluster.Job("wf-fail/test").GetState()).State);
    }

    [Fact]
    public async Task A_cyclic_workflow_is_refused_naming_the_cycle()
    {
        var spec = new WorkflowSpec("cycle", [Step("a", "true", "b"), Step("b", "true", "a")]);

        var error = await Assert.ThrowsAsync<InvalidJobSpecException>(() => _cluster.Client.GetGrain<IWorkflowGrain>("wf-cycle").Start(spec));

        Assert.Equal("jobs", error.Field);
        Assert.Contains("cycle", error.Reason, StringComparison.Ordinal);
    }
}
