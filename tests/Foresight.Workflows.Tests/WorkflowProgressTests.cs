using Foresight.Scheduling.Jobs;
using Foresight.Workflows.Dag;

namespace Foresight.Workflows.Tests;

public sealed class WorkflowProgressTests
{
    private static readonly (string, IReadOnlyList<string>)[] Diamond =
        [("build", []), ("test-a", ["build"]), ("test-b", ["build"]), ("deploy", ["test-a", "test-b"]), ("lint", [])];

    private static Dictionary<string, JobState> States(params (string Key, JobState State)[] set)
    {
        var states = Diamond.ToDictionary(j => j.Item1, _ => JobState.Pending);
        foreach (var (key, state) in set)
        {
            states[key] = state;
        }

        return states;
    }

    [Fact]
    public void Jobs_whose_needs_all_succeeded_start_and_nothing_else()
    {
        Assert.Equal(["build", "lint"], WorkflowProgress.Next(Diamond, States()).Start);
        var step = WorkflowProgress.Next(Diamond, States(("build", JobState.Succeeded), ("lint", JobState.Running)));
        Assert.Equal(["test-a", "test-b"], step.Start);
        Assert.Empty(step.Skip);
    }

    [Fact]
    public void A_failure_skips_everything_behind_it_transitively()
    {
        var step = WorkflowProgress.Next(Diamond, States(("build", JobState.Failed), ("lint", JobState.Succeeded)));

        Assert.Equal(["test-a", "test-b", "deploy"], step.Skip);
        Assert.Empty(step.Start);
    }

    [Fact]
    public void The_run_succeeds_only_when_every_job_ended_and_all_succeeded()
    {
        Assert.Null(WorkflowProgress.Succeeded(States(("build", JobState.Succeeded))));
        var allDone = Diamond.ToDictionary(j => j.Item1, _ => JobState.Succeeded);
        Assert.True(WorkflowProgress.Succeeded(allDone));
        allDone["lint"] = JobState.Cancelled;
        Assert.False(WorkflowProgress.Succeeded(allDone));
    }
}
