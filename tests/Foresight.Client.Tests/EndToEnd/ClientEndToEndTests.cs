using System.Net;
using Foresight.Abstractions.Api;

namespace Foresight.Client.Tests.EndToEnd;

/// <summary>The client library against the real server process and its local workers.</summary>
[Collection(ServerCollection.Name)]
public sealed class ClientEndToEndTests(ServerFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_job_is_submitted_watched_to_success_and_its_log_followed()
    {
        using var client = fixture.Client();
        using var deadline = new CancellationTokenSource(Deadline);
        var submitted = await client.SubmitJobAsync(
            new JobSubmission(Name: "e2e-job", Labels: ["linux"], Steps: [new StepSubmission(Name: "greet", Run: "echo hello from foresight\necho second line")]),
            deadline.Token);

        // Following the log from the start, while the job is queued or running, until it ends.
        var follow = client.FollowLogsAsync(submitted.Id, cancellationToken: deadline.Token).ToListAsync(deadline.Token).AsTask();
        var states = await client.WatchJobAsync(submitted.Id, deadline.Token).ToListAsync(deadline.Token);
        var lines = await follow;

        Assert.Equal("Succeeded", states[^1].State);
        Assert.Equal(0, states[^1].ExitCode);
        string[] order = ["Pending", "Queued", "Assigned", "Running", "Succeeded"];
        var ranks = states.Select(s => Array.IndexOf(order, s.State)).ToList();
        Assert.Equal(ranks.Order(), ranks); // the states seen move forward only
        Assert.Contains("hello from foresight", lines);
        Assert.Contains("second line", lines);
        Assert.Equal(lines.IndexOf("hello from foresight") + 1, lines.IndexOf("second line"));
        Assert.Equal(lines, await client.ReadLogsAsync(submitted.Id, attempt: 1, deadline.Token).ToListAsync(deadline.Token));
    }

    [Fact]
    public async Task A_batch_is_answered_job_by_job_and_sending_it_again_creates_nothing_new()
    {
        using var client = fixture.Client();
        using var deadline = new CancellationTokenSource(Deadline);
        JobSubmission[] jobs =
        [
            new(Name: "batch-one", Command: "echo one", Labels: ["linux"]),
            new(Name: "batch-bad", Command: "true", Labels: ["linux"], Cpu: -1),
            new(Name: "batch-two", Command: "echo two", Labels: ["linux"]),
        ];

        var results = await client.SubmitBatchAsync(jobs, deadline.Token);

        Assert.Equal([0, 1, 2], results.Select(r => r.Index));
        Assert.Equal([true, false, true], results.Select(r => r.Accepted));
        Assert.Equal((400, "cpu"), (results[1].Status, results[1].Field));
        Assert.NotEqual(results[0].Id, results[2].Id);
        foreach (var accepted in results.Where(r => r.Accepted))
        {
            var end = await client.WatchJobAsync(accepted.Id!, deadline.Token).LastAsync(deadline.Token);
            Assert.Equal(("Succeeded", 1), (end.State, end.Attempts));
        }

        // The ids travel with the jobs: the same batch again names the same jobs, which have already run.
        var again = await client.SubmitBatchAsync([.. jobs.Select((j, i) => j with { Id = results[i].Id ?? $"batch-bad-{Guid.NewGuid():n}" })], deadline.Token);
        Assert.Equal([results[0].Id, results[2].Id], again.Where(r => r.Accepted).Select(r => r.Id));
        Assert.All(again.Where(r => r.Accepted), r => Assert.Equal("Succeeded", r.State));
        await Assert.ThrowsAsync<ForesightApiException>(() => client.SubmitBatchAsync([], deadline.Token));
    }

    [Fact]
    public async Task A_workflow_runs_its_needs_chain_to_success_and_each_jobs_log_is_readable()
    {
        using var client = fixture.Client();
        using var deadline = new CancellationTokenSource(Deadline);

        var run = await client.SubmitWorkflowAsync(Workflows.Chain, new WorkflowRunOptions(Ref: "refs/heads/main"), deadline.Token);
        var seen = await client.WatchWorkflowAsync(run.RunId, deadline.Token).ToListAsync(deadline.Token);

        var end = seen[^1];
        Assert.Equal("Succeeded", end.Status);
        Assert.Equal(["build", "package", "test"], end.Jobs.Select(j => j.Key).Order(StringComparer.Ordinal));
        Assert.All(end.Jobs, j => Assert.Equal("Succeeded", j.State));

        // The chain is respected in every state seen: a job never started before what it needs succeeded.
        foreach (var view in seen)
        {
            var states = view.Jobs.ToDictionary(j => j.Key, j => j.State);
            foreach (var job in view.Jobs.Where(j => j.State is not ("Pending" or "Cancelled")))
            {
                Assert.All(job.Needs, need => Assert.Equal("Succeeded", states[need]));
            }
        }

        var build = end.Jobs.Single(j => j.Key == "build").JobId!;
        Assert.Contains("compiling refs/heads/main", await client.ReadLogsAsync(build, cancellationToken: deadline.Token).ToListAsync(deadline.Token));
        var test = await client.GetJobAsync(end.Jobs.Single(j => j.Key == "test").JobId!, deadline.Token);
        Assert.Equal("Succeeded", test.State);
    }

    [Fact]
    public async Task Refusals_carry_the_status_and_the_field()
    {
        using var client = fixture.Client();
        using var anonymous = fixture.Client(token: null);
        using var wrong = fixture.Client(token: "not-the-token");

        var invalidJob = await Assert.ThrowsAsync<ForesightApiException>(() => client.SubmitJobAsync(new JobSubmission(Name: "bad", Command: "true", Labels: ["linux"], Cpu: -1)));
        var invalidWorkflow = await Assert.ThrowsAsync<ForesightApiException>(() => client.SubmitWorkflowAsync(Workflows.UnknownNeed));
        var missing = await Assert.ThrowsAsync<ForesightApiException>(() => client.GetJobAsync("no-such-job"));
        var unauthenticated = await Assert.ThrowsAsync<ForesightApiException>(() => anonymous.GetPoolsAsync());
        var badToken = await Assert.ThrowsAsync<ForesightApiException>(() => wrong.GetPoolsAsync());

        Assert.Equal((HttpStatusCode.BadRequest, "cpu"), (invalidJob.StatusCode, invalidJob.Field));
        Assert.False(string.IsNullOrEmpty(invalidJob.Reason));
        Assert.True(invalidWorkflow.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, invalidWorkflow.Message);
        Assert.Contains("buld", invalidWorkflow.Message + invalidWorkflow.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, badToken.StatusCode);
    }

    [Fact]
    public async Task A_cancelled_run_ends_cancelled_and_pools_and_workers_are_listed()
    {
        using var client = fixture.Client();
        using var deadline = new CancellationTokenSource(Deadline);
        var run = await client.SubmitWorkflowAsync(
            """
            name: slow
            on: push
            jobs:
              wait:
                runs-on: linux
                steps:
                  - run: sleep 120
            """,
            cancellationToken: deadline.Token);

        await client.CancelWorkflowAsync(run.RunId, deadline.Token);
        var end = await client.WatchWorkflowAsync(run.RunId, deadline.Token).LastAsync(deadline.Token);
        var pools = await client.GetPoolsAsync(deadline.Token);
        var workers = await client.GetWorkersAsync("default", deadline.Token);

        Assert.Equal("Cancelled", end.Status);
        Assert.Equal(2, pools.Single(p => p.Name == "default").Workers);
        Assert.Equal(2, workers.Count);
        Assert.All(workers, w => Assert.Contains("linux", w.Labels));
    }
}
