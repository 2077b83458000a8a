using Foresight.Scheduling;
using Foresight.Scheduling.Jobs;
using Foresight.Simulation.Baselines;
using Foresight.Simulation.Metrics;
using Foresight.Simulation.Traces;

namespace Foresight.Simulation.Tests.Scheduling;

/// <summary>The simulator applies the scheduling settings' <see cref="RetryPolicy"/> to the failed attempts a trace lists.</summary>
public class RetryTests
{
    private static TraceJob Job(string id, double submit, double seconds, params TraceAttempt[] failures) =>
        new(id, Scenarios.T0.AddSeconds(submit), TimeSpan.FromSeconds(seconds), new Resources(1, 1024), [], FailedAttempts: failures);

    private static SimulationResult Run(RetryPolicy retry, int workers, params TraceJob[] jobs) =>
        new BaselineRunner(Scenarios.Options(0, workers) with { Scheduling = new SchedulingSettings { Placement = "fifo", Retry = retry } })
            .Run(JobTrace.Create("retries", [.. jobs], new TraceDiagnostics()), $"static:{workers}");

    [Fact]
    public void A_lost_worker_is_retried_after_the_back_off_and_the_job_completes()
    {
        var retry = new RetryPolicy(MaxAttempts: 3, BaseBackoff: TimeSpan.FromSeconds(10), MaxBackoff: TimeSpan.FromSeconds(60));
        var result = Run(retry, 1, Job("a", 0, 100, new TraceAttempt(TimeSpan.FromSeconds(30), AttemptEnd.WorkerLost), new TraceAttempt(TimeSpan.FromSeconds(5), AttemptEnd.WorkerLost)));

        var a = result.Jobs[0];
        Assert.Equal(3, a.Starts);
        Assert.Equal(1, a.Completions);
        // 30 s lost + 10 s back-off, 5 s lost + 20 s back-off (doubled), then the 100 s run.
        Assert.Equal(Scenarios.T0.AddSeconds(30 + 10 + 5 + 20), a.StartedAt);
        Assert.Equal(Scenarios.T0.AddSeconds(165), a.CompletedAt);
        Assert.Equal(2, result.Metrics.Retries);
        Assert.Equal(0, result.Metrics.Failed);
        Assert.Equal(0, result.Unfinished);
    }

    [Fact]
    public void A_held_retry_leaves_the_worker_to_the_next_job_during_its_back_off()
    {
        var retry = new RetryPolicy(MaxAttempts: 2, BaseBackoff: TimeSpan.FromSeconds(60), RetryableExitCodes: [137]);
        var result = Run(
            retry,
            1,
            Job("flaky", 0, 10, new TraceAttempt(TimeSpan.FromSeconds(20), AttemptEnd.Failed, 137)),
            Job("next", 1, 30));

        // flaky fails at 20 s and is held until 80 s; next runs 20–50 s meanwhile; flaky's retry starts at 80 s.
        Assert.Equal(Scenarios.T0.AddSeconds(20), result.Jobs[1].StartedAt);
        Assert.Equal(Scenarios.T0.AddSeconds(80), result.Jobs[0].StartedAt);
        Assert.Equal(Scenarios.T0.AddSeconds(90), result.Jobs[0].CompletedAt);
    }

    [Fact]
    public void A_failure_the_policy_does_not_retry_ends_the_job_as_failed_not_unfinished()
    {
        var retry = new RetryPolicy(MaxAttempts: 2, RetryableExitCodes: [137]);
        var result = Run(
            retry,
            2,
            Job("exit-1", 0, 10, new TraceAttempt(TimeSpan.FromSeconds(5), AttemptEnd.Failed, 1)),
            Job("twice-lost", 0, 10, new TraceAttempt(TimeSpan.FromSeconds(5), AttemptEnd.WorkerLost), new TraceAttempt(TimeSpan.FromSeconds(5), AttemptEnd.WorkerLost)));

        Assert.Contains("exit code 1 is not retryable", result.Jobs[0].FailedBecause, StringComparison.Ordinal);
        Assert.Equal(1, result.Jobs[0].Starts);
        Assert.Contains("attempt 2 of 2 was the last", result.Jobs[1].FailedBecause, StringComparison.Ordinal);
        Assert.Equal(2, result.Jobs[1].Starts);
        Assert.Equal(2, result.Metrics.Failed);
        Assert.Equal(0, result.Metrics.Completed);
        Assert.Equal(0, result.Metrics.Unfinished);
        Assert.Equal(0, result.Unfinished);
    }

    [Fact]
    public void Never_retrying_fails_at_the_first_attempt_and_jobs_without_failures_are_untouched()
    {
        var result = Run(new RetryPolicy(MaxAttempts: 1), 1, Job("lost", 0, 10, new TraceAttempt(TimeSpan.FromSeconds(3), AttemptEnd.WorkerLost)), Job("fine", 0, 10));

        Assert.Equal(1, result.Metrics.Failed);
        Assert.Equal(1, result.Metrics.Completed);
        Assert.Equal(Scenarios.T0.AddSeconds(13), result.Jobs[1].CompletedAt);
        Assert.Equal(0, result.Metrics.Retries);
    }
}
