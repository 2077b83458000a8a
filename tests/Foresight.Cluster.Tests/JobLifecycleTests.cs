using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Scheduling;
using Foresight.Cluster.Tests.Support;
using Foresight.Grains.Hosting;
using Foresight.Scheduling.Jobs;

namespace Foresight.Cluster.Tests;

/// <summary>Real commands on real processes through a 3-silo cluster: success, failure, retries, cancellation, timeout, bad input.</summary>
public sealed class JobLifecycleTests(ShellClusterFixture fixture) : IClassFixture<ShellClusterFixture>
{
    private readonly ForesightCluster _cluster = fixture.Cluster;

    private static JobSpec Shell(string command, TimeSpan? timeout = null, int maxAttempts = 3, int[]? retryable = null) =>
        new("test", command, ["linux"], Cpu: 1, MemoryMb: 128, Timeout: timeout, MaxAttempts: maxAttempts, RetryableExitCodes: retryable, Pool: "shell");

    [Fact]
    public async Task A_command_runs_on_a_worker_and_its_output_and_exit_code_come_back()
    {
        await _cluster.Job("ok-1").Submit(Shell("echo hello from $FORESIGHT_JOB_ID; echo to-stderr >&2"));

        var job = await _cluster.WaitForEndAsync("ok-1");

        Assert.Equal(JobState.Succeeded, job.State);
        var attempt = Assert.Single(job.Attempts);
        Assert.Equal("shell-1", attempt.WorkerId);
        Assert.Equal(0, attempt.Result!.ExitCode);
        Assert.Contains("hello from ok-1", attempt.Result.OutputTail, StringComparison.Ordinal);
        Assert.Contains("to-stderr", attempt.Result.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_command_fails_once_unless_its_exit_code_is_retryable()
    {
        await _cluster.Job("fail-1").Submit(Shell("exit 3"));
        await _cluster.Job("retry-1").Submit(Shell("exit 3", maxAttempts: 2, retryable: [3]));

        var failed = await _cluster.WaitForEndAsync("fail-1");
        var retried = await _cluster.WaitForEndAsync("retry-1");

        Assert.Equal(JobState.Failed, failed.State);
        Assert.Single(failed.Attempts);
        Assert.Equal("exited with code 3", failed.StatusReason);
        Assert.Equal(JobState.Failed, retried.State);
        Assert.Equal([1, 2], retried.Attempts.Select(a => a.Number));
        Assert.All(retried.Attempts, a => Assert.Equal(3, a.Result!.ExitCode));
    }

    [Fact]
    public async Task Cancelling_a_running_job_kills_its_process_and_frees_the_worker()
    {
        await _cluster.Job("long-1").Submit(Shell("sleep 60"));
        await _cluster.WaitForJobAsync("long-1", j => j.State == JobState.Running);

        var cancelled = await _cluster.Job("long-1").Cancel("no longer needed");

        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Equal("no longer needed", cancelled.StatusReason);
        // The agent killed the process and reported; the report is kept as late, the job stays Cancelled.
        var after = await _cluster.WaitForJobAsync("long-1", j => j.LateResults.Count == 1);
        Assert.Equal(AttemptEnd.Cancelled, after.LateResults[0].Result.End);
        Assert.Equal(JobState.Cancelled, after.State);
        // The worker's capacity came back: a job needing all of it runs.
        await _cluster.Job("after-cancel").Submit(Shell("true") with { Cpu = 4 });
        Assert.Equal(JobState.Succeeded, (await _cluster.WaitForEndAsync("after-cancel")).State);
    }

    [Fact]
    public async Task Cancelling_a_queued_job_removes_it_from_the_queue()
    {
        // No worker has the 'gpu' label, so the job waits in the queue.
        await _cluster.Job("queued-1").Submit(Shell("true") with { Labels = ["gpu"] });

        var cancelled = await _cluster.Job("queued-1").Cancel("");

        Assert.Equal(JobState.Cancelled, cancelled.State);
        var snapshot = await _cluster.Client.GetGrain<Foresight.Abstractions.Scheduling.ISchedulerGrain>("shell").GetState();
        Assert.DoesNotContain(snapshot.Head, q => q.JobId == "queued-1");
    }

    [Fact]
    public async Task A_submission_answers_the_durable_record_with_its_start_prediction_and_a_repeat_adds_nothing()
    {
        // The worker's 4 cores are taken, so the next 4-core job waits in the queue behind the running one.
        await _cluster.Job("busy-1").Submit(Shell("sleep 60") with { Cpu = 4 });
        await _cluster.WaitForJobAsync("busy-1", j => j.State == JobState.Running);

        var first = await _cluster.Job("waits-1").SubmitAndPredict(Shell("true") with { Cpu = 4 });
        var again = await _cluster.Job("waits-1").SubmitAndPredict(Shell("true") with { Cpu = 4 });

        Assert.Equal(JobState.Queued, first.Record.State);
        var prediction = Assert.IsType<StartPrediction>(first.Prediction);
        Assert.Equal(0, prediction.Ahead);
        Assert.True(prediction.StartAt > prediction.MadeAt, $"start {prediction.StartAt:O} should wait for the running job (prediction made {prediction.MadeAt:O})");
        Assert.True(prediction.FinishAt > prediction.StartAt);
        Assert.True(await _cluster.Client.GetGrain<ISchedulerGrain>("shell").Knows(new JobAttempt("waits-1", 1)));
        Assert.Single(again.Record.Attempts);
        Assert.Equal(first.Record.SubmittedAt, again.Record.SubmittedAt);
        Assert.NotNull(again.Prediction);

        await _cluster.Job("busy-1").Cancel("make room");
        var ran = await _cluster.WaitForEndAsync("waits-1");
        Assert.Equal(JobState.Succeeded, ran.State);
        Assert.Single(ran.Attempts);
    }

    [Fact]
    public async Task A_batched_enqueue_predicts_each_attempt_in_the_calls_order_and_submissions_at_once_are_each_answered()
    {
        await _cluster.Job("busy-2").Submit(Shell("sleep 60") with { Cpu = 4 });
        await _cluster.WaitForJobAsync("busy-2", j => j.State == JobState.Running);
        var scheduler = _cluster.Client.GetGrain<ISchedulerGrain>("shell");
        var ids = new[] { "many-1", "many-2", "many-3" };
        try
        {
            // One batched call: the answers follow the call's order, not the queue's (the second outranks the first).
            var now = DateTimeOffset.UtcNow;
            QueuedJob Queued(string id, int priority) => new(id, 1, ["linux"], 4, 128, priority, now);
            var predictions = await scheduler.EnqueueAndPredict([Queued("direct-low", 0), Queued("direct-high", 10)]);
            Assert.Equal([1, 0], predictions.Select(p => Assert.IsType<StartPrediction>(p).Ahead));
            Assert.True(await scheduler.Dequeue(new JobAttempt("direct-low", 1)));
            Assert.True(await scheduler.Dequeue(new JobAttempt("direct-high", 1)));

            // Submissions at once share the silo's hand-offs to the scheduler; each is answered, queued, predicted.
            var submitted = await Task.WhenAll(ids.Select(id => _cluster.Job(id).SubmitAndPredict(Shell("true") with { Cpu = 4 })));
            for (var i = 0; i < ids.Length; i++)
            {
                Assert.Equal(ids[i], submitted[i].Record.JobId);
                Assert.Equal(JobState.Queued, submitted[i].Record.State);
                Assert.NotNull(submitted[i].Prediction);
                Assert.True(await scheduler.Knows(new JobAttempt(ids[i], 1)));
            }
        }
        finally
        {
            await _cluster.Job("busy-2").Cancel("make room");
        }

        foreach (var id in ids)
        {
            Assert.Equal(JobState.Succeeded, (await _cluster.WaitForEndAsync(id)).State);
        }
    }

    [Fact]
    public async Task A_job_over_its_timeout_is_killed_and_ends_TimedOut()
    {
        await _cluster.Job("slow-1").Submit(Shell("sleep 60", timeout: TimeSpan.FromSeconds(1)));

        var job = await _cluster.WaitForEndAsync("slow-1", TimeSpan.FromSeconds(20));

        Assert.Equal(JobState.TimedOut, job.State);
        var attempt = Assert.Single(job.Attempts);
        Assert.InRange(attempt.Result!.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("command")]
    [InlineData("maxAttempts")]
    public async Task An_invalid_job_is_refused_with_the_field_named_and_nothing_is_stored(string field)
    {
        var spec = field switch
        {
            "cpu" => Shell("true") with { Cpu = -1 },
            "command" => Shell(" "),
            _ => Shell("true", maxAttempts: 0),
        };

        var error = await Assert.ThrowsAsync<InvalidJobSpecException>(() => _cluster.Job($"bad-{field}").Submit(spec));

        Assert.Equal(field, error.Field);
        Assert.Equal(JobState.Pending, (await _cluster.Job($"bad-{field}").GetState()).State);
    }

    [Fact]
    public async Task A_finished_job_refuses_new_claims_and_keeps_late_results_without_completing_twice()
    {
        await _cluster.Job("done-1").Submit(Shell("echo once"));
        var done = await _cluster.WaitForEndAsync("done-1");

        var claim = await _cluster.Job("done-1").Claim(1, "intruder");
        await _cluster.Job("done-1").Finish(1, "intruder", new ExecutionResult(AttemptEnd.Failed, 1, TimeSpan.Zero));
        var after = await _cluster.Job("done-1").GetState();

        Assert.Null(claim);
        Assert.Equal(JobState.Succeeded, after.State);
        Assert.Equal(done.FinishedAt, after.FinishedAt);
        Assert.Single(after.LateResults);
        Assert.Equal("intruder", after.LateResults[0].WorkerId);
    }

    [Fact]
    public async Task An_ended_job_lets_its_activation_go_and_its_record_is_served_from_storage_after()
    {
        await _cluster.Job("let-go-1").Submit(Shell("echo stored"));
        var id = _cluster.Job("let-go-1").GetGrainId();
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);

        // Not read while it runs (a read would activate it again): the activation is gone once the job has ended.
        await Eventually.HoldsAsync(
            async () => !(await management.GetActiveGrains(id.Type)).Contains(id),
            TimeSpan.FromSeconds(30),
            () => "the job's activation is still there");
        var job = await _cluster.Job("let-go-1").GetState();
        await _cluster.Job("let-go-1").Finish(1, "intruder", new ExecutionResult(AttemptEnd.Failed, 1, TimeSpan.Zero));
        var after = await _cluster.Job("let-go-1").GetState();

        Assert.Equal(JobState.Succeeded, job.State);
        var attempt = Assert.Single(job.Attempts);
        Assert.Contains("stored", attempt.Result!.OutputTail, StringComparison.Ordinal);
        Assert.Equal(JobState.Succeeded, after.State);
        Assert.Equal(job.FinishedAt, after.FinishedAt);
        Assert.Equal("intruder", Assert.Single(after.LateResults).WorkerId);
    }

    [Fact]
    public async Task A_reference_made_by_key_reaches_the_same_grain_as_GetGrain()
    {
        await _cluster.Job("by-key-1").Submit(Shell("true"));

        var byKey = _cluster.Client.ByKey<IJobGrain>("by-key-1");
        var scheduler = _cluster.Client.ByKey<ISchedulerGrain>("shell");

        Assert.Equal(_cluster.Job("by-key-1").GetGrainId(), byKey.GetGrainId());
        Assert.Equal(_cluster.Client.GetGrain<ISchedulerGrain>("shell").GetGrainId(), scheduler.GetGrainId());
        Assert.Equal("by-key-1", (await byKey.GetState()).JobId);
        Assert.Equal("shell", (await scheduler.GetState()).Partition);
    }

    [Fact]
    public void The_state_machine_names_both_states_when_it_refuses_a_transition()
    {
        var error = Assert.Throws<InvalidTransitionException>(() => JobStateMachine.Transition(JobState.Succeeded, JobState.Running));

        Assert.Contains("Succeeded", error.Message, StringComparison.Ordinal);
        Assert.Contains("Running", error.Message, StringComparison.Ordinal);
    }
}
