using CsCheck;
using Foresight.Scheduling.Jobs;
using Foresight.Workflows.Dag;

namespace Foresight.Workflows.Tests;

/// <summary>The run semantics: conditions, continue-on-error, fail-fast, max-parallel, cancellation and the run's outcome.</summary>
public sealed class WorkflowProgressTests
{
    private static readonly RunJob[] Diamond =
    [
        new("build", []),
        new("test-a", ["build"]),
        new("test-b", ["build"]),
        new("deploy", ["test-a", "test-b"]),
        new("lint", []),
    ];

    private static RunSnapshot Snapshot(IReadOnlyList<RunJob> jobs, bool cancelled = false, string[]? skipped = null, params (string Key, JobState State)[] set)
    {
        var states = jobs.ToDictionary(j => j.Key, _ => JobState.Pending);
        foreach (var (key, state) in set)
        {
            states[key] = state;
        }

        return new RunSnapshot(states, new HashSet<string>(skipped ?? []), cancelled);
    }

    private static WorkflowStep Next(IReadOnlyList<RunJob> jobs, params (string, JobState)[] set) => WorkflowProgress.Next(jobs, Snapshot(jobs, set: set));

    [Fact]
    public void Jobs_whose_needs_all_succeeded_start_and_nothing_else()
    {
        Assert.Equal(["build", "lint"], Next(Diamond).Start);

        var step = Next(Diamond, ("build", JobState.Succeeded), ("lint", JobState.Running));

        Assert.Equal(["test-a", "test-b"], step.Start);
        Assert.Empty(step.Skip);
        Assert.Empty(Next(Diamond, ("build", JobState.Succeeded), ("test-a", JobState.Succeeded), ("test-b", JobState.Running), ("lint", JobState.Running)).Start);
    }

    [Fact]
    public void A_failure_skips_everything_behind_it_transitively()
    {
        var step = Next(Diamond, ("build", JobState.Failed), ("lint", JobState.Succeeded));

        Assert.Equal(["test-a", "test-b", "deploy"], step.Skip);
        Assert.Empty(step.Start);
    }

    [Theory]
    [InlineData(JobState.Failed)]
    [InlineData(JobState.TimedOut)]
    [InlineData(JobState.Cancelled)]
    public void A_need_that_did_not_succeed_skips_a_default_job(JobState need)
    {
        RunJob[] jobs = [new("a", []), new("b", ["a"])];

        Assert.Equal(["b"], Next(jobs, ("a", need)).Skip);
    }

    [Theory]
    [InlineData(JobState.Failed)]
    [InlineData(JobState.TimedOut)]
    public void A_need_that_failed_with_continue_on_error_counts_as_success_and_does_not_fail_the_run(JobState failed)
    {
        RunJob[] jobs = [new("flaky", [], ContinueOnError: true), new("after", ["flaky"]), new("on-failure", ["flaky"], "failure()")];

        var step = Next(jobs, ("flaky", failed));

        Assert.Equal(["after"], step.Start);
        Assert.Equal(["on-failure"], step.Skip);
        var ended = Snapshot(jobs, skipped: ["on-failure"], set: [("flaky", failed), ("after", JobState.Succeeded), ("on-failure", JobState.Cancelled)]);
        Assert.Equal(WorkflowOutcome.Succeeded, WorkflowProgress.Outcome(jobs, ended));
    }

    [Fact]
    public void Failure_runs_when_any_ancestor_failed_even_behind_a_skipped_job()
    {
        RunJob[] jobs = [new("build", []), new("test", ["build"]), new("report", ["test"], "failure()"), new("ok", ["test"], "failure()")];

        var step = Next(jobs, ("build", JobState.Failed));

        Assert.Equal(["test"], step.Skip);
        Assert.Equal(["report", "ok"], step.Start);
        Assert.Equal(["report", "ok"], Next(jobs, ("build", JobState.Succeeded), ("test", JobState.Succeeded)).Skip);
    }

    [Fact]
    public void Always_runs_after_a_failure_a_skip_and_a_cancellation()
    {
        RunJob[] jobs = [new("a", []), new("b", ["a"]), new("cleanup", ["b"], "always()")];

        Assert.Equal(["cleanup"], Next(jobs, ("a", JobState.Failed)).Start);
        Assert.Equal(["cleanup"], Next(jobs, ("a", JobState.Succeeded), ("b", JobState.Cancelled)).Start);
        Assert.Equal(["cleanup"], WorkflowProgress.Next(jobs, Snapshot(jobs, cancelled: true, set: [("a", JobState.Cancelled)])).Start);
    }

    [Fact]
    public void Success_looks_at_every_ancestor_so_a_job_behind_an_always_job_is_still_skipped_after_a_failure()
    {
        RunJob[] jobs = [new("a", []), new("b", ["a"], "always()"), new("c", ["b"]), new("d", ["b"], "!failure()"), new("e", ["b"], "!cancelled()")];

        var step = Next(jobs, ("a", JobState.Failed), ("b", JobState.Succeeded));

        Assert.Equal(["c", "d"], step.Skip);
        Assert.Equal(["e"], step.Start);
    }

    [Fact]
    public void A_skipped_need_skips_default_dependants_but_not_always_ones()
    {
        RunJob[] jobs = [new("gate", [], "false"), new("next", ["gate"]), new("notify", ["gate"], "${{ always() }}")];

        var first = Next(jobs);
        Assert.Equal(["gate", "next"], first.Skip);
        Assert.Equal(["notify"], first.Start);
    }

    [Fact]
    public void Cancelled_holds_only_in_a_cancelled_run()
    {
        RunJob[] jobs = [new("a", []), new("on-cancel", ["a"], "cancelled()"), new("not-cancelled", ["a"], "!cancelled() && always()")];

        var normal = Next(jobs, ("a", JobState.Failed));
        Assert.Equal(["on-cancel"], normal.Skip);
        Assert.Equal(["not-cancelled"], normal.Start);

        var cancelled = WorkflowProgress.Next(jobs, Snapshot(jobs, cancelled: true, set: [("a", JobState.Cancelled)]));
        Assert.Equal(["on-cancel"], cancelled.Start);
        Assert.Equal(["not-cancelled"], cancelled.Skip);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("${{ true }}", true)]
    [InlineData("success() || failure()", true)]
    [InlineData("!success()", false)]
    [InlineData("(success() && !cancelled()) || false", true)]
    [InlineData("always() && false", false)]
    public void Literal_and_combined_conditions_after_a_success(string condition, bool runs)
    {
        RunJob[] jobs = [new("a", []), new("b", ["a"], condition)];

        var step = Next(jobs, ("a", JobState.Succeeded));

        Assert.Equal(runs ? ["b"] : [], step.Start);
        Assert.Equal(runs ? [] : ["b"], step.Skip);
    }

    [Fact]
    public void A_literal_true_still_needs_success_as_on_github()
    {
        RunJob[] jobs = [new("a", []), new("b", ["a"], "true")];

        Assert.Equal(["b"], Next(jobs, ("a", JobState.Failed)).Skip);
    }

    [Fact]
    public void In_a_cancelled_run_default_jobs_are_skipped_once_their_needs_end_and_always_jobs_still_run()
    {
        RunJob[] jobs = [new("a", []), new("b", ["a"]), new("c", ["a"], "always()"), new("d", [])];

        var waiting = WorkflowProgress.Next(jobs, Snapshot(jobs, cancelled: true, set: [("a", JobState.Running), ("d", JobState.Pending)]));
        Assert.Empty(waiting.Start);
        Assert.Equal(["d"], waiting.Skip);

        var ended = WorkflowProgress.Next(jobs, Snapshot(jobs, cancelled: true, skipped: ["d"], set: [("a", JobState.Cancelled), ("d", JobState.Cancelled)]));
        Assert.Equal(["b"], ended.Skip);
        Assert.Equal(["c"], ended.Start);
    }

    [Fact]
    public void Cancelling_a_run_cancels_the_released_jobs_whose_condition_no_longer_holds()
    {
        RunJob[] jobs = [new("a", []), new("b", [], "always()"), new("c", [], "cancelled() || success()"), new("d", []), new("e", ["a"])];

        var toCancel = WorkflowProgress.ToCancel(jobs, Snapshot(jobs, set: [("a", JobState.Running), ("b", JobState.Running), ("c", JobState.Queued), ("d", JobState.Succeeded)]));

        Assert.Equal(["a"], toCancel);
    }

    private static RunJob[] Matrix(bool failFast, int? maxParallel = null, bool continueOnError = false) =>
    [
        new("setup", []),
        new("t (1)", ["setup"], MatrixGroup: "t", FailFast: failFast, MaxParallel: maxParallel, ContinueOnError: continueOnError),
        new("t (2)", ["setup"], MatrixGroup: "t", FailFast: failFast, MaxParallel: maxParallel),
        new("t (3)", ["setup"], MatrixGroup: "t", FailFast: failFast, MaxParallel: maxParallel),
        new("t (4)", ["setup"], MatrixGroup: "t", FailFast: failFast, MaxParallel: maxParallel),
        new("other (1)", ["setup"], MatrixGroup: "other", FailFast: true),
        new("after", ["t (1)", "t (2)", "t (3)", "t (4)"], "always()"),
    ];

    [Fact]
    public void Fail_fast_cancels_the_groups_queued_and_running_siblings_only()
    {
        var jobs = Matrix(failFast: true, maxParallel: 3);

        var step = Next(jobs, ("setup", JobState.Succeeded), ("t (1)", JobState.Failed), ("t (2)", JobState.Running), ("t (3)", JobState.Queued), ("other (1)", JobState.Running));

        Assert.Equal(["t (4)"], step.CancelPending);
        Assert.Equal(["t (2)", "t (3)"], step.CancelRunning);
        Assert.Empty(step.Start);

        var ended = Next(jobs, ("setup", JobState.Succeeded), ("t (1)", JobState.Failed), ("t (2)", JobState.Cancelled), ("t (3)", JobState.Cancelled), ("t (4)", JobState.Cancelled), ("other (1)", JobState.Succeeded));
        Assert.Equal(["after"], ended.Start);
    }

    [Fact]
    public void Without_fail_fast_or_with_continue_on_error_a_failure_cancels_no_sibling()
    {
        var noFailFast = Next(Matrix(failFast: false, maxParallel: 3), ("setup", JobState.Succeeded), ("t (1)", JobState.Failed), ("t (2)", JobState.Running), ("t (3)", JobState.Running));
        Assert.Empty(noFailFast.CancelRunning);
        Assert.Equal(["t (4)", "other (1)"], noFailFast.Start);

        var tolerated = Next(Matrix(failFast: true, maxParallel: 3, continueOnError: true), ("setup", JobState.Succeeded), ("t (1)", JobState.Failed), ("t (2)", JobState.Running), ("t (3)", JobState.Running));
        Assert.Empty(tolerated.CancelRunning);
        Assert.Empty(tolerated.CancelPending);
        Assert.Equal(["t (4)", "other (1)"], tolerated.Start);
    }

    [Fact]
    public void Max_parallel_releases_at_most_n_of_a_group_at_once()
    {
        var jobs = Matrix(failFast: false, maxParallel: 2);

        Assert.Equal(["t (1)", "t (2)", "other (1)"], Next(jobs, ("setup", JobState.Succeeded)).Start);
        Assert.Empty(Next(jobs, ("setup", JobState.Succeeded), ("t (1)", JobState.Running), ("t (2)", JobState.Assigned), ("other (1)", JobState.Running)).Start);
        Assert.Equal(["t (3)"], Next(jobs, ("setup", JobState.Succeeded), ("t (1)", JobState.Succeeded), ("t (2)", JobState.Running), ("other (1)", JobState.Running)).Start);
        Assert.Equal(["t (3)", "t (4)"], Next(jobs, ("setup", JobState.Succeeded), ("t (1)", JobState.Failed), ("t (2)", JobState.TimedOut), ("other (1)", JobState.Running)).Start);
    }

    /// <summary>A job <c>c</c> calling a reusable workflow (jobs <c>build</c> then <c>test</c>) with a matrix of three:
    /// the calling jobs <c>c (n)</c> form the matrix group, each needing its called jobs.</summary>
    private static RunJob[] CallMatrix(bool failFast, int? maxParallel = null) =>
    [
        .. new[] { "1", "2", "3" }.SelectMany(n => new RunJob[]
        {
            new($"c ({n}) / build", []),
            new($"c ({n}) / test", [$"c ({n}) / build"]),
            new($"c ({n})", [$"c ({n}) / build", $"c ({n}) / test"], "always()", MatrixGroup: "c", FailFast: failFast, MaxParallel: maxParallel) { Call = true },
        }),
        new("after", ["c (1)", "c (2)", "c (3)"], "always()"),
    ];

    [Fact]
    public void Fail_fast_on_a_matrix_of_calls_cancels_the_other_calls_once_one_call_failed()
    {
        var jobs = CallMatrix(failFast: true);
        // c (1)'s build failed, so its test is skipped and its caller's job is released (the run ends it, failed); the
        // other calls go on until then.
        var inside = Next(jobs, ("c (1) / build", JobState.Failed), ("c (2) / build", JobState.Running), ("c (3) / build", JobState.Succeeded));
        Assert.Equal(["c (1) / test"], inside.Skip);
        Assert.Equal(["c (1)", "c (3) / test"], inside.Start);
        Assert.Empty(inside.CancelRunning);

        var step = Next(jobs, ("c (1) / build", JobState.Failed), ("c (1) / test", JobState.Cancelled), ("c (1)", JobState.Failed),
            ("c (2) / build", JobState.Running), ("c (3) / build", JobState.Succeeded), ("c (3) / test", JobState.Queued));

        Assert.Equal(["c (2) / test"], step.CancelPending);
        Assert.Equal(["c (2) / build", "c (3) / test"], step.CancelRunning);
        Assert.DoesNotContain("c (2)", step.CancelRunning);
        Assert.All(step.CancelPending.Concat(step.CancelRunning), k => Assert.Equal("c", step.FailFastGroups[k]));
        Assert.Empty(step.Start);

        // A call that had not started yet ends whole, its caller's job too.
        var unstarted = Next(CallMatrix(failFast: true, maxParallel: 1), ("c (1) / build", JobState.Failed), ("c (1) / test", JobState.Cancelled), ("c (1)", JobState.Failed));
        Assert.Equal(["c (2)", "c (2) / build", "c (2) / test", "c (3)", "c (3) / build", "c (3) / test"], unstarted.CancelPending);
        Assert.Equal(["after"], unstarted.Start);

        var tolerant = Next(CallMatrix(failFast: false), ("c (1) / build", JobState.Failed), ("c (1) / test", JobState.Cancelled), ("c (1)", JobState.Failed),
            ("c (2) / build", JobState.Running), ("c (3) / build", JobState.Succeeded), ("c (3) / test", JobState.Queued));
        Assert.Empty(tolerant.CancelPending);
        Assert.Empty(tolerant.CancelRunning);
    }

    [Fact]
    public void Max_parallel_on_a_matrix_of_calls_runs_at_most_n_calls_at_once()
    {
        var jobs = CallMatrix(failFast: false, maxParallel: 2);

        Assert.Equal(["c (1) / build", "c (2) / build"], Next(jobs).Start);
        // A call in flight goes on releasing its own jobs; a third waits until a call has ended.
        Assert.Equal(["c (1) / test"], Next(jobs, ("c (1) / build", JobState.Succeeded), ("c (2) / build", JobState.Running)).Start);
        Assert.Equal(["c (1)"], Next(jobs, ("c (1) / build", JobState.Succeeded), ("c (1) / test", JobState.Succeeded), ("c (2) / build", JobState.Running)).Start);
        Assert.Equal(["c (3) / build"], Next(jobs, ("c (1) / build", JobState.Succeeded), ("c (1) / test", JobState.Succeeded), ("c (1)", JobState.Succeeded), ("c (2) / build", JobState.Running)).Start);

        var one = CallMatrix(failFast: false, maxParallel: 1);
        Assert.Equal(["c (1) / build"], Next(one).Start);
        Assert.Equal(["c (1)"], Next(one, ("c (1) / build", JobState.Failed), ("c (1) / test", JobState.Cancelled)).Start);
    }

    [Fact]
    public void Skipped_matrix_jobs_do_not_take_a_max_parallel_slot()
    {
        RunJob[] jobs =
        [
            new("m (1)", [], "false", MatrixGroup: "m", MaxParallel: 1),
            new("m (2)", [], MatrixGroup: "m", MaxParallel: 1),
            new("m (3)", [], MatrixGroup: "m", MaxParallel: 1),
        ];

        var step = Next(jobs);

        Assert.Equal(["m (1)"], step.Skip);
        Assert.Equal(["m (2)"], step.Start);
    }

    [Fact]
    public void The_outcome_is_failed_over_cancelled_over_succeeded_and_null_until_every_job_ended()
    {
        RunJob[] jobs = [new("a", []), new("b", []), new("c", [], ContinueOnError: true)];

        Assert.Null(WorkflowProgress.Outcome(jobs, Snapshot(jobs, set: [("a", JobState.Succeeded), ("b", JobState.Running)])));
        Assert.Equal(WorkflowOutcome.Succeeded, Outcome(jobs, JobState.Succeeded, JobState.Succeeded, JobState.Failed));
        Assert.Equal(WorkflowOutcome.Failed, Outcome(jobs, JobState.Failed, JobState.Succeeded, JobState.Succeeded));
        Assert.Equal(WorkflowOutcome.Failed, Outcome(jobs, JobState.TimedOut, JobState.Cancelled, JobState.Succeeded));
        Assert.Equal(WorkflowOutcome.Failed, Outcome(jobs, JobState.Failed, JobState.Succeeded, JobState.Succeeded, cancelled: true));
        Assert.Equal(WorkflowOutcome.Cancelled, Outcome(jobs, JobState.Cancelled, JobState.Succeeded, JobState.Succeeded));
        Assert.Equal(WorkflowOutcome.Cancelled, Outcome(jobs, JobState.Succeeded, JobState.Succeeded, JobState.Succeeded, cancelled: true));
        Assert.Equal(WorkflowOutcome.Succeeded, WorkflowProgress.Outcome(jobs, Snapshot(jobs, skipped: ["a"], set: [("a", JobState.Cancelled), ("b", JobState.Succeeded), ("c", JobState.Succeeded)])));

        static WorkflowOutcome? Outcome(RunJob[] jobs, JobState a, JobState b, JobState c, bool cancelled = false) =>
            WorkflowProgress.Outcome(jobs, Snapshot(jobs, cancelled, set: [("a", a), ("b", b), ("c", c)]));
    }

    [Theory]
    [InlineData("matrix.os == 'linux'", "job 'b': invalid condition 'matrix.os == 'linux'': only success(), failure(), always(), cancelled(), true, false, !, && and ||, and expressions over needs, are evaluated at run time")]
    [InlineData("success(1)", "job 'b': invalid condition 'success(1)': only success(), failure(), always(), cancelled(), true, false, !, && and ||, and expressions over needs, are evaluated at run time")]
    [InlineData("always(", "job 'b': invalid condition 'always(': the expression ends too early")]
    [InlineData("'yes'", "job 'b': invalid condition ''yes'': only success(), failure(), always(), cancelled(), true, false, !, && and ||, and expressions over needs, are evaluated at run time")]
    public void Conditions_that_cannot_be_evaluated_at_run_time_are_refused_naming_the_job(string condition, string error)
    {
        Assert.Equal(error, WorkflowProgress.CheckConditions([new RunJob("a", []), new RunJob("b", ["a"], condition)]));
        Assert.Null(WorkflowProgress.CheckConditions([new RunJob("a", [], "${{ failure() || cancelled() }}"), new RunJob("b", [], "")]));
    }

    [Fact]
    public void Any_run_driven_by_random_job_endings_respects_every_rule_and_ends()
    {
        string[] conditions = ["success()", "always()", "failure()", "cancelled()", "!cancelled()", "false", "true", "failure() || cancelled()"];
        JobState[] endings = [JobState.Succeeded, JobState.Failed, JobState.TimedOut, JobState.Cancelled];
        var genJob = Gen.Select(Gen.Int[0, conditions.Length - 1], Gen.Bool, Gen.Int[0, 2], Gen.Int[0, 7], Gen.Bool);
        var genRun = Gen.Select(genJob.Array[1, 12], Gen.Int[0, int.MaxValue].Array[60], Gen.Int[0, 6], Gen.Int[1, 3]);

        genRun.Sample((specs, choices, cancelAt, maxParallel) =>
        {
            var jobs = specs.Select((s, i) => new RunJob(
                $"j{i}",
                [.. Enumerable.Range(0, i).Where(n => ((s.Item4 >> (n % 3)) & 1) == 1 && n >= i - 3).Select(n => $"j{n}")],
                conditions[s.Item1],
                s.Item2,
                s.Item3 == 0 ? null : $"g{s.Item3}",
                s.Item5,
                s.Item3 == 0 ? null : maxParallel)).ToList();
            var states = jobs.ToDictionary(j => j.Key, _ => JobState.Pending);
            var skipped = new HashSet<string>();
            var cancelled = false;
            for (var turn = 0; turn < 200; turn++)
            {
                var run = new RunSnapshot(states, skipped, cancelled);
                var step = WorkflowProgress.Next(jobs, run);
                foreach (var key in step.Skip)
                {
                    states[key] = JobState.Cancelled;
                    skipped.Add(key);
                }

                foreach (var key in step.CancelPending)
                {
                    Assert.Equal(JobState.Pending, states[key]);
                    states[key] = JobState.Cancelled;
                }

                foreach (var key in step.Start)
                {
                    Assert.Equal(JobState.Pending, states[key]);
                    Assert.All(jobs.Single(j => j.Key == key).Needs, n => Assert.True(JobStateMachine.IsTerminal(states[n])));
                    states[key] = JobState.Queued;
                }

                foreach (var key in step.CancelRunning)
                {
                    Assert.Equal(JobState.Queued, states[key]);
                    states[key] = JobState.Cancelled;
                }

                foreach (var group in jobs.Where(j => j.MatrixGroup is not null).GroupBy(j => j.MatrixGroup))
                {
                    Assert.True(group.Count(j => states[j.Key] is JobState.Queued or JobState.Assigned or JobState.Running) <= maxParallel);
                }

                if (WorkflowProgress.Outcome(jobs, new RunSnapshot(states, skipped, cancelled)) is { } outcome)
                {
                    var failed = jobs.Any(j => states[j.Key] is JobState.Failed or JobState.TimedOut && !j.ContinueOnError);
                    Assert.Equal(failed ? WorkflowOutcome.Failed : cancelled || jobs.Any(j => states[j.Key] == JobState.Cancelled && !skipped.Contains(j.Key)) ? WorkflowOutcome.Cancelled : WorkflowOutcome.Succeeded, outcome);
                    Assert.All(jobs, j => Assert.True(JobStateMachine.IsTerminal(states[j.Key])));
                    return;
                }

                if (turn == cancelAt && !cancelled)
                {
                    cancelled = true;
                    foreach (var key in WorkflowProgress.ToCancel(jobs, new RunSnapshot(states, skipped, false)))
                    {
                        states[key] = JobState.Cancelled;
                    }

                    continue;
                }

                var inFlight = jobs.Where(j => states[j.Key] is JobState.Queued).ToList();
                if (inFlight.Count == 0 && step.CancelRunning.Count > 0)
                {
                    continue; // the cancelled jobs reported back: decide again
                }

                Assert.True(inFlight.Count > 0, $"stuck: {string.Join(", ", states.Select(kv => $"{kv.Key}={kv.Value}{(skipped.Contains(kv.Key) ? " (skipped)" : "")}"))} cancelled={cancelled}");
                var pick = inFlight[choices[turn % choices.Length] % inFlight.Count];
                states[pick.Key] = endings[(choices[(turn + 1) % choices.Length] >> 3) % endings.Length];
            }

            Assert.Fail("the run did not end within 200 turns");
        }, iter: 2000, threads: 1);
    }
}
