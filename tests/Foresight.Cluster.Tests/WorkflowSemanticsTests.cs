using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workflows;
using Foresight.Cluster.Tests.Support;
using Foresight.Grains.Workflows;
using Foresight.Scheduling.Jobs;
using Foresight.Workflows.Definitions;

namespace Foresight.Cluster.Tests;

/// <summary>
/// Workflow files run end to end on the cluster (parse, expand, map, WorkflowGrain, real shell jobs): conditions after a
/// failure, continue-on-error, matrix fail-fast and max-parallel, and concurrency groups.
/// </summary>
public sealed class WorkflowSemanticsTests(ShellClusterFixture fixture) : IClassFixture<ShellClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private readonly ForesightCluster _cluster = fixture.Cluster;

    private static WorkflowSpec Compile(string yaml, string runId, IReadOnlyDictionary<string, string>? files = null)
    {
        var parsed = WorkflowParser.Parse(yaml, "test.yml", files is null ? null : path => files.GetValueOrDefault(path));
        Assert.True(parsed.Definition is not null, string.Join("\n", parsed.Diagnostics));
        var trigger = new WorkflowTrigger("push", Ref: "refs/heads/main", Sha: "0123abc", Actor: "tests");
        return WorkflowSpecMapper.Map(WorkflowExpander.Expand(parsed.Definition!, trigger, runId), trigger, runId);
    }

    private IWorkflowGrain Run(string runId) => _cluster.Client.GetGrain<IWorkflowGrain>(runId);

    private async Task<WorkflowRecord> StartAsync(string yaml, string runId) => await Run(runId).Start(Compile(yaml, runId));

    private async Task<WorkflowRecord> WaitAsync(string runId, Func<WorkflowRecord, bool> until)
    {
        WorkflowRecord run = null!;
        await Eventually.HoldsAsync(
            async () => until(run = await Run(runId).GetState()),
            Deadline,
            () => $"run {runId} is {run?.Status}: {string.Join(", ", run?.JobStates.Select(kv => $"{kv.Key}={kv.Value}") ?? [])}");
        return run;
    }

    private Task<WorkflowRecord> WaitForEndAsync(string runId) => WaitAsync(runId, r => r.FinishedAt is not null);

    /// <summary>Runs <paramref name="yaml"/> calling the reusable workflow <c>.github/workflows/lib.yml</c> (given
    /// without its <c>on:</c>, which declares the string input <c>n</c>) to its end.</summary>
    private async Task<WorkflowRecord> RunCallingLibAsync(string yaml, string lib, string runId)
    {
        var files = new Dictionary<string, string>
        {
            [".github/workflows/lib.yml"] = "on:\n  workflow_call:\n    inputs: { n: { type: string, required: true } }\n" + lib,
        };
        await Run(runId).Start(Compile(yaml, runId, files));
        return await WaitForEndAsync(runId);
    }

    private static string Marker() => Path.Combine(Path.GetTempPath(), $"foresight-sem-{Guid.NewGuid():n}");

    [Fact]
    public void The_mapper_carries_steps_resources_retries_trigger_and_secret_scope()
    {
        var definition = WorkflowParser.Parse(
            """
            name: deploy
            on: push
            concurrency: { group: prod, cancel-in-progress: true }
            x-foresight: { pool: shell, priority: 4 }
            jobs:
              ship:
                runs-on: [linux, x64]
                timeout-minutes: 15
                env: { STAGE: prod }
                x-foresight: { cpu: 2, memory: 1Gi, retries: 4, retry-exit-codes: [75] }
                steps:
                  - name: Build
                    run: make
                    shell: sh
                    working-directory: src
                    timeout-minutes: 2
                    continue-on-error: true
                    env: { V: "1" }
                  - if: false
                    run: never
            """,
            "deploy.yml").Definition!;
        var trigger = new WorkflowTrigger("push", "octo/repo", "refs/heads/main", "abc", "mona", DeliveryId: "d-1");

        var spec = WorkflowSpecMapper.Map(WorkflowExpander.Expand(definition, trigger, "r-1"), trigger, "r-1");

        Assert.Equal(("deploy", "deploy.yml"), (spec.Name, spec.Source));
        Assert.Equal(new ConcurrencySpec("prod", true), spec.Concurrency);
        Assert.Equal(new TriggerInfo("push", "octo/repo", "refs/heads/main", "abc", "mona", "d-1"), spec.Trigger);
        Assert.Equal("octo/repo:prod", ConcurrencyGroupGrain.KeyOf(spec));
        var job = Assert.Single(spec.Jobs).Job;
        Assert.Equal(("ship", 2.0, 1024L, 4, 5, "shell"), (job.Name, job.Cpu, job.MemoryMb, job.Priority, job.MaxAttempts, job.Pool));
        Assert.Equal(["linux", "x64"], job.Labels);
        Assert.Equal([75], job.RetryableExitCodes!);
        Assert.Equal(TimeSpan.FromMinutes(15), job.Timeout);
        Assert.Equal(("r-1", "ship", "octo/repo"), (job.WorkflowId, job.WorkflowJobKey, job.SecretScope));
        Assert.Equal(("deploy/ship", false, false), (job.Profile, job.CpuDefaulted, job.MemoryDefaulted)); // its profile key: workflow/job
        Assert.Equal("prod", job.Env!["STAGE"]);
        var step = Assert.Single(job.Steps!);
        Assert.Equal(new StepSpec("Build", "make", step.Env, "sh", "src", true, TimeSpan.FromMinutes(2)), step);
        Assert.Equal("1", step.Env!["V"]);
        Assert.Equal("set -e\nmake", job.Command);

        var noRepository = WorkflowSpecMapper.Map(WorkflowExpander.Expand(definition, new WorkflowTrigger("api")), new WorkflowTrigger("api"));
        Assert.Equal("deploy", noRepository.Jobs[0].Job.SecretScope);
        Assert.Equal("prod", ConcurrencyGroupGrain.KeyOf(noRepository));
        Assert.Null(noRepository.Jobs[0].Job.WorkflowId);
    }

    [Fact]
    public async Task After_a_failure_always_and_failure_jobs_run_and_default_jobs_are_skipped()
    {
        var marker = Marker();
        var run = await StartAsync(
            $$"""
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              build:
                runs-on: linux
                steps:
                  - run: echo build >> {{marker}}
                  - run: exit 3
              test:
                needs: build
                runs-on: linux
                steps: [{ run: echo test >> {{marker}} }]
              report:
                needs: test
                if: failure()
                runs-on: linux
                steps: [{ run: echo report >> {{marker}} }]
              cleanup:
                needs: [build, test]
                if: always()
                runs-on: linux
                steps: [{ run: echo cleanup >> {{marker}} }]
              deploy:
                needs: cleanup
                runs-on: linux
                steps: [{ run: echo deploy >> {{marker}} }]
            """,
            "sem-always");

        Assert.Equal(WorkflowStatus.Running, run.Status);
        run = await WaitForEndAsync("sem-always");

        Assert.Equal(WorkflowStatus.Failed, run.Status);
        Assert.Equal(JobState.Failed, run.JobStates["build"]);
        Assert.Equal(JobState.Cancelled, run.JobStates["test"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["report"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["cleanup"]);
        Assert.Equal(JobState.Cancelled, run.JobStates["deploy"]);
        Assert.Equal(["deploy", "test"], run.Skipped.Order(StringComparer.Ordinal));
        Assert.Equal("skipped: if success() is false", run.JobReasons["test"]);
        Assert.Equal(["build", "report", "cleanup"], (await File.ReadAllLinesAsync(marker)).Order(Comparer<string>.Create((a, b) => Order(a).CompareTo(Order(b)))));

        static int Order(string job) => job switch { "build" => 0, "report" => 1, _ => 2 };
    }

    [Fact]
    public async Task A_job_failing_with_continue_on_error_lets_its_dependants_run_and_the_run_succeed()
    {
        var run = await StartAsync(
            """
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              flaky:
                runs-on: linux
                continue-on-error: true
                steps: [{ run: exit 1 }]
              step-tolerant:
                runs-on: linux
                steps:
                  - run: exit 7
                    continue-on-error: true
                  - run: 'true'
              after:
                needs: [flaky, step-tolerant]
                runs-on: linux
                steps: [{ run: 'true' }]
              on-failure:
                needs: flaky
                if: failure()
                runs-on: linux
                steps: [{ run: 'true' }]
            """,
            "sem-coe");

        run = await WaitForEndAsync(run.RunId);

        Assert.Equal(WorkflowStatus.Succeeded, run.Status);
        Assert.Equal(JobState.Failed, run.JobStates["flaky"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["step-tolerant"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["after"]);
        Assert.Equal(JobState.Cancelled, run.JobStates["on-failure"]);
        Assert.Contains("on-failure", run.Skipped);
    }

    [Fact]
    public async Task A_failed_matrix_job_cancels_its_running_siblings_with_fail_fast()
    {
        var run = await StartAsync(
            """
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              test:
                runs-on: linux
                strategy:
                  matrix:
                    n: [1, 2, 3]
                steps:
                  - run: if [ ${{ matrix.n }} = 1 ]; then sleep 0.5; exit 1; else sleep 60; fi
              after:
                needs: test
                if: always()
                runs-on: linux
                steps: [{ run: 'true' }]
            """,
            "sem-failfast");

        run = await WaitForEndAsync(run.RunId);

        Assert.Equal(WorkflowStatus.Failed, run.Status);
        Assert.Equal(JobState.Failed, run.JobStates["test (1)"]);
        Assert.Equal(JobState.Cancelled, run.JobStates["test (2)"]);
        Assert.Equal(JobState.Cancelled, run.JobStates["test (3)"]);
        Assert.Equal("cancelled: fail-fast (a job of matrix 'test' failed)", run.JobReasons["test (2)"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["after"]);
        Assert.True(run.FinishedAt - run.StartedAt < TimeSpan.FromSeconds(40), "the sleeping siblings were not stopped");
        Assert.Equal(JobState.Cancelled, (await _cluster.Job("sem-failfast/test (3)").GetState()).State);
    }

    [Fact]
    public async Task Max_parallel_runs_at_most_that_many_matrix_jobs_at_once()
    {
        var marker = Marker();
        var run = await StartAsync(
            $$"""
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              test:
                runs-on: linux
                strategy:
                  max-parallel: 1
                  matrix:
                    n: [1, 2, 3, 4]
                steps:
                  - run: echo start >> {{marker}}; sleep 0.3; echo end >> {{marker}}
            """,
            "sem-maxparallel");

        run = await WaitForEndAsync(run.RunId);

        Assert.Equal(WorkflowStatus.Succeeded, run.Status);
        var lines = await File.ReadAllLinesAsync(marker);
        Assert.Equal(Enumerable.Range(0, 4).SelectMany(_ => new[] { "start", "end" }), lines);
    }

    [Fact]
    public async Task A_new_run_with_cancel_in_progress_cancels_the_running_one_and_runs_after_it()
    {
        var group = $"deploy-{Guid.NewGuid():n}";
        var yaml = $$"""
            on: push
            concurrency:
              group: {{group}}
              cancel-in-progress: true
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              deploy:
                runs-on: linux
                steps: [{ run: sleep 60 }]
              notify:
                needs: deploy
                if: cancelled()
                runs-on: linux
                steps: [{ run: 'true' }]
            """;
        var first = await StartAsync(yaml, "sem-cip-1");
        Assert.Equal(WorkflowStatus.Running, first.Status);
        await _cluster.WaitForJobAsync("sem-cip-1/deploy", j => j.State == JobState.Running);

        var second = await StartAsync(yaml.Replace("sleep 60", "true", StringComparison.Ordinal), "sem-cip-2");

        first = await WaitForEndAsync("sem-cip-1");
        Assert.Equal(WorkflowStatus.Cancelled, first.Status);
        Assert.Equal(JobState.Cancelled, first.JobStates["deploy"]);
        Assert.Equal(JobState.Succeeded, first.JobStates["notify"]);
        Assert.StartsWith("superseded by run sem-cip-2", first.CancelReason, StringComparison.Ordinal);

        second = await WaitForEndAsync("sem-cip-2");
        Assert.Equal(WorkflowStatus.Succeeded, second.Status);
        Assert.Equal(JobState.Cancelled, second.JobStates["notify"]);
        Assert.True(second.StartedAt >= first.FinishedAt, "the new run started before the cancelled one ended");
        var groupState = await _cluster.Client.GetGrain<IConcurrencyGroupGrain>(group).GetState();
        Assert.Null(groupState.Running);
        Assert.Null(groupState.Pending);
    }

    [Fact]
    public async Task Without_cancel_in_progress_a_new_run_waits_and_a_newer_waiting_run_replaces_it()
    {
        var group = $"release-{Guid.NewGuid():n}";
        var yaml = $$"""
            on: push
            concurrency: {{group}}
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              release:
                runs-on: linux
                steps: [{ run: sleep 1 }]
            """;

        var first = await StartAsync(yaml, "sem-wait-1");
        var second = await StartAsync(yaml, "sem-wait-2");
        var third = await StartAsync(yaml, "sem-wait-3");

        Assert.Equal(WorkflowStatus.Running, first.Status);
        Assert.Equal(WorkflowStatus.Pending, third.Status);
        second = await WaitForEndAsync("sem-wait-2");
        Assert.Equal(WorkflowStatus.Cancelled, second.Status);
        Assert.Null(second.StartedAt);
        Assert.Equal(JobState.Pending, (await _cluster.Job("sem-wait-2/release").GetState()).State);

        first = await WaitForEndAsync("sem-wait-1");
        third = await WaitForEndAsync("sem-wait-3");
        Assert.Equal(WorkflowStatus.Succeeded, first.Status);
        Assert.Equal(WorkflowStatus.Succeeded, third.Status);
        Assert.True(third.StartedAt >= first.FinishedAt, "the waiting run started before the running one ended");
    }

    [Fact]
    public async Task Cancelling_a_waiting_run_frees_its_place_and_a_condition_the_runtime_cannot_evaluate_is_refused()
    {
        var group = $"g-{Guid.NewGuid():n}";
        var yaml = $$"""
            on: push
            concurrency: {{group}}
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              j:
                runs-on: linux
                steps: [{ run: sleep 1 }]
            """;
        await StartAsync(yaml, "sem-free-1");
        await StartAsync(yaml, "sem-free-2");

        var cancelled = await Run("sem-free-2").Cancel("not needed");

        Assert.Equal(WorkflowStatus.Cancelled, cancelled.Status);
        Assert.Null((await _cluster.Client.GetGrain<IConcurrencyGroupGrain>(group).GetState()).Pending);
        Assert.Equal(WorkflowStatus.Succeeded, (await WaitForEndAsync("sem-free-1")).Status);

        var spec = Compile(yaml, "sem-bad");
        var bad = spec with { Jobs = [spec.Jobs[0] with { Condition = "matrix.os == 'linux'" }] };
        var error = await Assert.ThrowsAsync<InvalidJobSpecException>(() => Run("sem-bad").Start(bad));
        Assert.Equal("jobs.j.condition", error.Field);
    }

    [Fact]
    public async Task A_matrix_from_a_needed_jobs_outputs_is_expanded_when_that_job_has_ended()
    {
        var marker = Marker();
        var run = await StartAsync(
            $$$"""
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              prepare:
                runs-on: linux
                outputs:
                  matrix: ${{ steps.m.outputs.matrix }}
                steps:
                  - id: m
                    run: echo 'matrix={"package":["a","b"],"include":[{"package":"c","extra":"x"}]}' >> "$GITHUB_OUTPUT"
              build:
                needs: prepare
                runs-on: linux
                strategy:
                  matrix: ${{ fromJSON(needs.prepare.outputs.matrix) }}
                outputs:
                  seen: ${{ matrix.package }}
                steps: [{ run: 'echo "${{ matrix.package }}${{ matrix.extra }} of ${{ strategy.job-total }}" >> {{{marker}}}' }]
              after:
                needs: build
                runs-on: linux
                steps: [{ run: 'echo "after ${{ needs.build.result }}" >> {{{marker}}}' }]
            """,
            "sem-runtime-matrix");

        Assert.Equal(["prepare", "build", "after"], run.Spec!.Jobs.Select(j => j.Key));
        run = await WaitForEndAsync("sem-runtime-matrix");

        Assert.True(run.Status == WorkflowStatus.Succeeded, string.Join(", ", run.JobReasons.Select(r => $"{r.Key}: {r.Value}")));
        Assert.Equal(["after", "build (a)", "build (b)", "build (c, x)", "prepare"], run.JobStates.Keys.Order(StringComparer.Ordinal));
        Assert.All(run.JobStates.Values, s => Assert.Equal(JobState.Succeeded, s));
        Assert.Equal(["build (a)", "build (b)", "build (c, x)"], run.Spec!.Jobs.Single(j => j.Key == "after").Needs);
        var lines = await File.ReadAllLinesAsync(marker);
        Assert.Equal(["a of 3", "b of 3", "cx of 3"], lines[..3].Order(StringComparer.Ordinal));
        Assert.Equal("after success", lines[3]);
    }

    [Fact]
    public async Task A_run_time_matrix_that_gives_no_matrix_fails_its_job_with_the_reason_and_skips_the_jobs_after_it()
    {
        var run = await StartAsync(
            """
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              prepare:
                runs-on: linux
                outputs:
                  list: '[1, 2]'
                  many: ${{ steps.m.outputs.many }}
                  text: not json
                steps:
                  - id: m
                    run: echo "many=[$(seq -s, 1 300)]" >> "$GITHUB_OUTPUT"
              list:
                needs: prepare
                runs-on: linux
                strategy: { matrix: "${{ fromJSON(needs.prepare.outputs.list) }}" }
                steps: [{ run: 'true' }]
              many:
                needs: prepare
                runs-on: linux
                strategy:
                  matrix:
                    n: ${{ fromJSON(needs.prepare.outputs.many) }}
                steps: [{ run: 'true' }]
              text:
                needs: prepare
                runs-on: linux
                strategy: { matrix: "${{ fromJSON(needs.prepare.outputs.text) }}" }
                steps: [{ run: 'true' }]
              after:
                needs: [list]
                runs-on: linux
                steps: [{ run: 'true' }]
            """,
            "sem-runtime-matrix-bad");

        run = await WaitForEndAsync("sem-runtime-matrix-bad");

        Assert.Equal(WorkflowStatus.Failed, run.Status);
        Assert.Equal(JobState.Succeeded, run.JobStates["prepare"]);
        Assert.Equal(JobState.Failed, run.JobStates["list"]);
        Assert.Equal(JobState.Failed, run.JobStates["many"]);
        Assert.Equal(JobState.Failed, run.JobStates["text"]);
        Assert.Equal("job 'list': strategy.matrix (line 16, column 25) gives no matrix: matrix must be a map of axes, not a list", run.JobReasons["list"]);
        Assert.Equal("job 'many': strategy.matrix (line 23, column 9) gives no matrix: the matrix expands to 300 jobs; GitHub allows at most 256", run.JobReasons["many"]);
        Assert.StartsWith("job 'text': the matrix expression failed: ", run.JobReasons["text"], StringComparison.Ordinal);
        Assert.Contains("after", run.Skipped);
    }

    [Fact]
    public async Task A_called_workflow_runs_under_its_caller_whose_result_and_outputs_reach_the_jobs_after_it()
    {
        var marker = Marker();
        var files = new Dictionary<string, string>
        {
            [".github/workflows/lib.yml"] = """
                on:
                  workflow_call:
                    inputs: { who: { type: string, required: true } }
                    outputs:
                      greeting: { value: "${{ jobs.hello.outputs.line }}" }
                x-foresight: { pool: shell, memory: 64 }
                jobs:
                  hello:
                    runs-on: linux
                    outputs: { line: "${{ steps.s.outputs.line }}" }
                    steps:
                      - id: s
                        run: echo "line=hello ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
                """,
            [".github/workflows/fail.yml"] = """
                on: workflow_call
                x-foresight: { pool: shell, memory: 64 }
                jobs:
                  boom:
                    runs-on: linux
                    steps: [{ run: exit 4 }]
                  cleanup:
                    needs: boom
                    if: always()
                    runs-on: linux
                    steps: [{ run: 'true' }]
                """,
        };
        var spec = Compile(
            $$$"""
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              call:
                uses: ./.github/workflows/lib.yml
                with: { who: cluster }
              after:
                needs: call
                runs-on: linux
                steps: [{ run: 'echo "got ${{ needs.call.outputs.greeting }} ${{ needs.call.result }}" >> {{{marker}}}' }]
              failing:
                uses: ./.github/workflows/fail.yml
              never:
                needs: failing
                runs-on: linux
                steps: [{ run: 'true' }]
            """,
            "sem-called",
            files);
        await Run("sem-called").Start(spec);

        var run = await WaitForEndAsync("sem-called");

        Assert.True(run.JobStates["call / hello"] == JobState.Succeeded, string.Join(", ", run.JobStates.Select(s => $"{s.Key}={s.Value} {run.JobReasons.GetValueOrDefault(s.Key)}")));
        Assert.Equal(WorkflowStatus.Failed, run.Status);
        Assert.Equal(JobState.Succeeded, run.JobStates["call"]);
        Assert.Equal("hello cluster", run.JobOutputs["call"]["greeting"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["after"]);
        Assert.Equal(["got hello cluster success"], await File.ReadAllLinesAsync(marker));
        Assert.Equal(JobState.Failed, run.JobStates["failing / boom"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["failing / cleanup"]);
        Assert.Equal(JobState.Failed, run.JobStates["failing"]);
        Assert.Equal("failed: a job of the called workflow did not succeed", run.JobReasons["failing"]);
        Assert.Contains("never", run.Skipped);
    }

    [Fact]
    public async Task A_call_whose_inputs_read_needs_and_a_matrix_caller_run_when_their_needs_have_ended()
    {
        var marker = Marker();
        var files = new Dictionary<string, string>
        {
            [".github/workflows/lib.yml"] = $$$"""
                on:
                  workflow_call:
                    inputs:
                      who: { type: string, required: true }
                      channel: { type: string, default: stable }
                    outputs:
                      greeting: { value: "${{ jobs.hello.outputs.line }}" }
                x-foresight: { pool: shell, memory: 64 }
                jobs:
                  hello:
                    runs-on: linux
                    outputs: { line: "${{ steps.s.outputs.line }}" }
                    steps:
                      - id: s
                        run: |
                          echo "called ${{ inputs.who }} ${{ inputs.channel }}" >> {{{marker}}}
                          echo "line=hello ${{ inputs.who }}" >> "$GITHUB_OUTPUT"
                """,
        };
        var spec = Compile(
            $$$"""
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              name:
                runs-on: linux
                outputs: { who: "${{ steps.n.outputs.who }}", channels: "${{ steps.n.outputs.channels }}" }
                steps:
                  - id: n
                    run: |
                      echo "who=needs-output" >> "$GITHUB_OUTPUT"
                      echo 'channels=["edge","lts"]' >> "$GITHUB_OUTPUT"
              call:
                needs: name
                uses: ./.github/workflows/lib.yml
                with: { who: "${{ needs.name.outputs.who }}" }
              fan:
                needs: name
                strategy:
                  matrix:
                    channel: ${{ fromJSON(needs.name.outputs.channels) }}
                uses: ./.github/workflows/lib.yml
                with: { who: fan, channel: "${{ matrix.channel }}" }
              after:
                needs: [call, fan]
                runs-on: linux
                steps: [{ run: 'echo "got ${{ needs.call.outputs.greeting }}" >> {{{marker}}}' }]
            """,
            "sem-called-needs",
            files);
        await Run("sem-called-needs").Start(spec);

        var run = await WaitForEndAsync("sem-called-needs");

        Assert.True(run.Status == WorkflowStatus.Succeeded, string.Join(", ", run.JobStates.Select(s => $"{s.Key}={s.Value} {run.JobReasons.GetValueOrDefault(s.Key)}")));
        Assert.Equal(JobState.Succeeded, run.JobStates["call / hello"]);
        Assert.Equal("hello needs-output", run.JobOutputs["call"]["greeting"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["fan (edge) / hello"]);
        Assert.Equal(JobState.Succeeded, run.JobStates["fan (lts)"]);
        Assert.DoesNotContain("fan", run.JobStates.Keys);
        var lines = await File.ReadAllLinesAsync(marker);
        Assert.Equal(["called fan edge", "called fan lts", "called needs-output stable"], lines[..3].Order(StringComparer.Ordinal));
        Assert.Equal("got hello needs-output", lines[3]);
    }

    [Fact]
    public async Task Fail_fast_on_a_matrix_of_calls_cancels_the_other_calls_once_one_call_failed()
    {
        var run = await RunCallingLibAsync(
            """
            on: push
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              fan:
                strategy:
                  matrix:
                    n: [1, 2, 3]
                uses: ./.github/workflows/lib.yml
                with: { n: "${{ matrix.n }}" }
              after:
                needs: fan
                if: always()
                runs-on: linux
                steps: [{ run: 'true' }]
            """,
            """
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              work:
                runs-on: linux
                steps:
                  - run: if [ ${{ inputs.n }} = 1 ]; then sleep 0.5; exit 1; else sleep 60; fi
              next:
                needs: work
                runs-on: linux
                steps: [{ run: 'true' }]
            """,
            "sem-call-failfast");

        Assert.True(run.Status == WorkflowStatus.Failed, string.Join(", ", run.JobStates.Select(s => $"{s.Key}={s.Value} {run.JobReasons.GetValueOrDefault(s.Key)}")));
        Assert.Equal(JobState.Failed, run.JobStates["fan (1) / work"]);
        Assert.Equal(JobState.Failed, run.JobStates["fan (1)"]);
        foreach (var n in new[] { 2, 3 })
        {
            Assert.Equal(JobState.Cancelled, run.JobStates[$"fan ({n}) / work"]);
            Assert.Equal("cancelled: fail-fast (a job of matrix 'fan' failed)", run.JobReasons[$"fan ({n}) / work"]);
            Assert.Equal(JobState.Cancelled, run.JobStates[$"fan ({n}) / next"]);
            Assert.Equal("cancelled: fail-fast (a job of matrix 'fan' failed)", run.JobReasons[$"fan ({n}) / next"]);
            Assert.Equal(JobState.Cancelled, run.JobStates[$"fan ({n})"]);
            Assert.Equal(JobState.Cancelled, (await _cluster.Job($"sem-call-failfast/fan ({n}) / work").GetState()).State);
        }

        Assert.Equal(JobState.Succeeded, run.JobStates["after"]);
        Assert.True(run.FinishedAt - run.StartedAt < TimeSpan.FromSeconds(40), "the sleeping calls were not stopped");
    }

    [Fact]
    public async Task Max_parallel_on_a_matrix_of_calls_runs_one_call_after_the_other()
    {
        var marker = Marker();
        var run = await RunCallingLibAsync(
            """
            on: push
            jobs:
              fan:
                strategy: { fail-fast: false, max-parallel: 1, matrix: { n: [a, b, c] } }
                uses: ./.github/workflows/lib.yml
                with: { n: "${{ matrix.n }}" }
            """,
            $$$"""
            x-foresight: { pool: shell, memory: 64 }
            jobs:
              first:
                runs-on: linux
                steps: [{ run: 'echo "${{ inputs.n }} first" >> {{{marker}}}; sleep 0.2' }]
              second:
                needs: first
                runs-on: linux
                steps: [{ run: 'sleep 0.2; echo "${{ inputs.n }} second" >> {{{marker}}}' }]
            """,
            "sem-call-maxparallel");

        Assert.Equal(WorkflowStatus.Succeeded, run.Status);
        Assert.Equal(["a first", "a second", "b first", "b second", "c first", "c second"], await File.ReadAllLinesAsync(marker));
    }
}
