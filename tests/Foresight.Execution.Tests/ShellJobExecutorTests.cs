using System.Globalization;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Execution.Jobs;
using Foresight.Execution.Logs;
using Foresight.Scheduling.Jobs;
using Foresight.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Foresight.Execution.Tests;

/// <summary>Steps on real shells: order, workspace, shells, env, timeouts, continue-on-error, cancellation, masking.</summary>
public sealed class ShellJobExecutorTests : IDisposable
{
    private readonly TempDir _work = new();
    private readonly TempDir _scratch = new(writableByJobs: true);
    private readonly RecordingSink _sink = new();

    public void Dispose()
    {
        _work.Dispose();
        _scratch.Dispose();
    }

    [Fact]
    public async Task Steps_run_in_order_in_one_workspace_that_is_removed_afterwards()
    {
        var result = await RunAsync(Job(
            new StepSpec("Prepare", "echo hello > greeting.txt\necho \"workspace=$(pwd)\""),
            new StepSpec("Use", "cat greeting.txt\necho \"$FORESIGHT_WORKSPACE\" > " + _scratch.File("ws"))));

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        Assert.Equal(0, result.ExitCode);
        var log = _sink.Text();
        Assert.True(log.IndexOf("##[step] Prepare", StringComparison.Ordinal) < log.IndexOf("##[step] Use", StringComparison.Ordinal), log);
        Assert.Contains("hello\n", log, StringComparison.Ordinal);
        Assert.EndsWith("##[end] exit=0 result=Succeeded\n", log, StringComparison.Ordinal);
        var workspace = (await File.ReadAllTextAsync(_scratch.File("ws"))).Trim();
        Assert.StartsWith(_work.Path, workspace, StringComparison.Ordinal);
        Assert.Contains($"workspace={workspace}", log, StringComparison.Ordinal);
        Assert.False(Directory.Exists(workspace), "the workspace must be removed after the job");
        Assert.Empty(Directory.GetDirectories(_work.Path));
        Assert.Equal(log, result.OutputTail);
        Assert.NotNull(result.PeakMemoryMb);
        Assert.NotNull(result.CpuTime);
    }

    [Fact]
    public async Task A_failed_step_stops_the_job_and_later_steps_are_skipped()
    {
        var marker = _scratch.File("ran");
        var result = await RunAsync(Job(
            new StepSpec("Fail", "echo before\nexit 4\necho never"),
            new StepSpec("Later", $"touch {marker}")));

        Assert.Equal(AttemptEnd.Failed, result.End);
        Assert.Equal(4, result.ExitCode);
        Assert.Equal("step 'Fail' failed with exit code 4", result.Error);
        Assert.False(File.Exists(marker));
        var log = _sink.Text();
        Assert.Contains("before\n", log, StringComparison.Ordinal);
        Assert.DoesNotContain("never", log, StringComparison.Ordinal);
        Assert.Contains("##[error] step 'Fail' failed with exit code 4\n##[skipped] Later\n", log, StringComparison.Ordinal);
        Assert.EndsWith("##[end] exit=4 result=Failed\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Continue_on_error_lets_the_job_go_on_and_succeed()
    {
        var result = await RunAsync(Job(
            new StepSpec("Flaky", "exit 3", ContinueOnError: true),
            new StepSpec("After", "echo after")));

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        Assert.Equal(0, result.ExitCode);
        var log = _sink.Text();
        Assert.Contains("##[error] step 'Flaky' failed with exit code 3\n##[warning] continue-on-error", log, StringComparison.Ordinal);
        Assert.Contains("after\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shells_follow_github_semantics()
    {
        var result = await RunAsync(Job(
            new StepSpec("default stops at the first failure", "false\necho not-printed", ContinueOnError: true),
            new StepSpec("bash has pipefail", "false | true\necho not-printed", Shell: "bash", ContinueOnError: true),
            new StepSpec("sh has -e", "false\necho not-printed", Shell: "sh", ContinueOnError: true),
            new StepSpec("custom template without -e", "false\necho custom-goes-on", Shell: "bash --noprofile --norc {0}"),
            new StepSpec("placeholder appended", "echo traced", Shell: "sh -x"),
            new StepSpec("script is a file", "echo \"script=$0\"", Shell: "bash")));

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        var log = _sink.Text();
        Assert.DoesNotContain("not-printed", log, StringComparison.Ordinal);
        Assert.Equal(3, log.Split("##[error]").Length - 1);
        Assert.Contains("custom-goes-on\n", log, StringComparison.Ordinal);
        Assert.Contains("+ echo traced\n", log, StringComparison.Ordinal);
        Assert.Matches(@"script=.*/temp/step-6\.sh\n", log);
    }

    [Fact]
    public async Task A_command_without_steps_runs_as_sh_without_e_like_sh_c()
    {
        var spec = new JobSpec("cmd", "false; echo \"still here\"; exit 0", ["linux"]);

        var result = await RunAsync(new Assignment("job-1", 1, spec));

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        Assert.Contains("##[step] Run false; echo \"still here\"; exit 0\nstill here\n", _sink.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Working_directory_is_relative_to_the_workspace()
    {
        var result = await RunAsync(Job(
            new StepSpec("make", "mkdir -p sub/dir && echo \"root=$(pwd)\""),
            new StepSpec("in sub", "echo \"here=$(pwd)\"", WorkingDirectory: "sub/dir"),
            new StepSpec("missing", "true", WorkingDirectory: "nope")));

        Assert.Equal(AttemptEnd.Failed, result.End);
        Assert.Null(result.ExitCode);
        Assert.StartsWith("step 'missing' could not start:", result.Error, StringComparison.Ordinal);
        var log = _sink.Text();
        var root = log.Split('\n').Single(l => l.StartsWith("root=", StringComparison.Ordinal))[5..];
        Assert.Contains($"here={root}/sub/dir\n", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_is_job_then_secrets_then_step_then_foresight_variables()
    {
        var spec = new JobSpec(
            "env",
            "unused",
            ["linux"],
            Env: new Dictionary<string, string> { ["A"] = "job", ["B"] = "job", ["C"] = "job", ["CI"] = "false" },
            Steps:
            [
                new StepSpec(
                    "print",
                    "echo \"A=$A C=$C CI=$CI\"\n[ \"$B\" = from-secret ] && echo B-is-the-secret\necho \"id=$FORESIGHT_JOB_ID attempt=$FORESIGHT_ATTEMPT\"\n[ \"$GITHUB_WORKSPACE\" = \"$(pwd)\" ] && [ \"$FORESIGHT_WORKSPACE\" = \"$(pwd)\" ] && echo workspace-ok",
                    Env: new Dictionary<string, string> { ["C"] = "step", ["FORESIGHT_JOB_ID"] = "forged", ["BAD=NAME"] = "x" }),
            ]);

        var result = await RunAsync(new Assignment("job-1", 1, spec, new Dictionary<string, string> { ["B"] = "from-secret" }));

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        var log = _sink.Text();
        Assert.Contains("A=job C=step CI=false\n", log, StringComparison.Ordinal);
        Assert.Contains("B-is-the-secret\n", log, StringComparison.Ordinal);
        Assert.Contains("id=job-1 attempt=1\n", log, StringComparison.Ordinal);
        Assert.Contains("workspace-ok\n", log, StringComparison.Ordinal);
        Assert.Contains("##[warning] step variable 'BAD=NAME' ignored", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_masked_in_the_log_and_the_tail_even_across_the_parts_of_a_long_line()
    {
        const string secret = "s3cr3t-Token-Value";
        var runner = new ProcessRunner(TimeProvider.System, new ProcessRunnerOptions { MaxLineChars = 64 });
        var executor = Executor(runner);
        // 60 x's put the secret across the 64-character cut; stderr too; a multi-line secret line by line.
        var spec = new JobSpec("mask", "unused", ["linux"], Steps:
        [
            new StepSpec("print", $"printf '%060d' 0 | tr 0 x; echo \"$TOKEN tail\"\necho \"err $TOKEN\" >&2\necho \"$KEY\"\necho \"line2 alone: second-line-of-key\""),
        ]);
        var secrets = new Dictionary<string, string> { ["TOKEN"] = secret, ["KEY"] = "first-line-of-key\nsecond-line-of-key" };

        var result = await executor.ExecuteAsync(new Assignment("job-1", 1, spec, secrets), CancellationToken.None);

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        foreach (var text in new[] { _sink.Text(), result.OutputTail! })
        {
            Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Token-Value", text, StringComparison.Ordinal);
            Assert.DoesNotContain("line-of-key", text, StringComparison.Ordinal);
            Assert.Contains("err ***\n", text, StringComparison.Ordinal);
            Assert.Contains("***\n***\n", text, StringComparison.Ordinal);
            Assert.Contains("line2 alone: ***\n", text, StringComparison.Ordinal);
            Assert.Equal(new string('x', 60) + "*** tail", string.Concat(text.Split('\n').Where(l => l.StartsWith('x'))));
        }
    }

    [Fact]
    public async Task A_step_timeout_fails_the_step_and_is_reported_as_timed_out()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var executor = Executor(new ProcessRunner(time));
        var marker = _scratch.File("after");

        var running = executor.ExecuteAsync(
            Job(new StepSpec("slow", "echo started\nsleep 60", Timeout: TimeSpan.FromMinutes(1)), new StepSpec("after", $"touch {marker}")),
            CancellationToken.None);
        await Wait.UntilAsync(() => _sink.Text().Contains("started", StringComparison.Ordinal) || running.IsCompleted, "step started");
        time.Advance(TimeSpan.FromMinutes(1));
        var result = await running;

        Assert.Equal(AttemptEnd.TimedOut, result.End);
        Assert.Null(result.ExitCode);
        Assert.Equal("step 'slow' timed out after 00:01:00", result.Error);
        Assert.False(File.Exists(marker));
        Assert.Contains("##[skipped] after", _sink.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_timeout_with_continue_on_error_goes_on()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var executor = Executor(new ProcessRunner(time));

        var running = executor.ExecuteAsync(
            Job(new StepSpec("slow", "echo started\nsleep 60", Timeout: TimeSpan.FromSeconds(10), ContinueOnError: true), new StepSpec("after", "echo after-ran")),
            CancellationToken.None);
        await Wait.UntilAsync(() => _sink.Text().Contains("started", StringComparison.Ordinal) || running.IsCompleted, "step started");
        time.Advance(TimeSpan.FromSeconds(10));
        var result = await running;

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        Assert.Contains("after-ran\n", _sink.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_remaining_job_time_bounds_each_step_and_a_job_timeout_ignores_continue_on_error()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var executor = Executor(new ProcessRunner(time));
        var go = _scratch.File("go");
        var spec = new JobSpec("job", "unused", ["linux"], Timeout: TimeSpan.FromMinutes(5), Steps:
        [
            new StepSpec("first", $"echo first-started\nwhile [ ! -f {go} ]; do sleep 0.05; done"),
            new StepSpec("second", "echo second-started\nsleep 60", Timeout: TimeSpan.FromMinutes(30), ContinueOnError: true),
            new StepSpec("third", "echo never"),
        ]);

        var running = executor.ExecuteAsync(new Assignment("job-1", 1, spec), CancellationToken.None);
        await Wait.UntilAsync(() => _sink.Text().Contains("first-started", StringComparison.Ordinal) || running.IsCompleted, "first step started");
        // The first step takes two minutes of the job's five.
        time.Advance(TimeSpan.FromMinutes(2));
        await File.WriteAllTextAsync(go, "");
        await Wait.UntilAsync(() => _sink.Text().Contains("second-started", StringComparison.Ordinal) || running.IsCompleted, "second step started");
        Assert.False(running.IsCompleted);
        // Three minutes are left of the job: the second step's own 30 minutes do not apply.
        time.Advance(TimeSpan.FromMinutes(3));
        var result = await running;

        Assert.Equal(AttemptEnd.TimedOut, result.End);
        Assert.Equal("job timed out after 00:05:00 (in step 'second')", result.Error);
        Assert.Contains("##[skipped] third", _sink.Text(), StringComparison.Ordinal);
        Assert.DoesNotContain("never", _sink.Text().Replace("##[skipped] third", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_kills_the_whole_process_tree()
    {
        var pidFile = _scratch.File("child");
        using var cts = new CancellationTokenSource();
        var running = RunAsync(Job(new StepSpec("tree", $"sleep 300 &\necho $! > {pidFile}\necho started\nwait"), new StepSpec("never", "echo never")), cts.Token);
        await Wait.UntilAsync(() => _sink.Text().Contains("started", StringComparison.Ordinal) || running.IsCompleted, "tree started");

        await cts.CancelAsync();
        var result = await running;

        Assert.Equal(AttemptEnd.Cancelled, result.End);
        var child = int.Parse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture);
        await Wait.UntilAsync(() => !Wait.IsAlive(child), $"child {child} killed");
        Assert.Contains("##[skipped] never", _sink.Text(), StringComparison.Ordinal);
        Assert.EndsWith("##[end] exit=none result=Cancelled\n", _sink.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_background_process_lives_on_into_later_steps_and_is_killed_when_the_job_ends()
    {
        var pidFile = _scratch.File("server");
        var runner = new ProcessRunner(TimeProvider.System, new ProcessRunnerOptions { OutputGrace = TimeSpan.FromMilliseconds(200) });

        var result = await Executor(runner).ExecuteAsync(
            Job(
                new StepSpec("start server", $"sleep 300 &\necho $! > {pidFile}"),
                new StepSpec("use server", $"kill -0 $(cat {pidFile}) && echo server-alive")),
            CancellationToken.None);

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        Assert.Contains("server-alive\n", _sink.Text(), StringComparison.Ordinal);
        Assert.Contains("##[cleanup] killed 1 process(es)", _sink.Text(), StringComparison.Ordinal);
        var server = int.Parse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture);
        await Wait.UntilAsync(() => !Wait.IsAlive(server), $"background process {server} killed");
    }

    [Fact]
    public async Task Peak_memory_is_the_largest_step_and_cpu_time_the_sum()
    {
        // The trailing sleep lets the sampler see all of the loop's CPU before the step ends.
        var busy = "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 0.5";
        var one = await RunAsync(Job(new StepSpec("busy", busy)));
        var two = await new ShellJobExecutor(new ProcessRunner(TimeProvider.System), new StepExecutorOptions { WorkRoot = _work.Path })
            .ExecuteAsync(Job(new StepSpec("busy", busy), new StepSpec("busy again", busy)), CancellationToken.None);

        Assert.True(one.CpuTime > TimeSpan.Zero, $"cpu {one.CpuTime}");
        Assert.True(two.CpuTime > one.CpuTime * 1.3, $"two steps {two.CpuTime} vs one {one.CpuTime}");
        Assert.InRange(two.PeakMemoryMb!.Value, 1, 1024);
    }

    [Fact]
    public async Task Without_a_log_sink_the_result_still_has_the_masked_tail()
    {
        var executor = new ShellJobExecutor(new ProcessRunner(TimeProvider.System), _work.Path, TimeSpan.FromMinutes(1));

        var result = await executor.ExecuteAsync(
            new Assignment("job-1", 1, new JobSpec("t", "echo \"value=$PASSWORD\"", ["linux"]), new Dictionary<string, string> { ["PASSWORD"] = "pa55word" }),
            CancellationToken.None);

        Assert.Contains("value=***\n", result.OutputTail, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55word", result.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Stale_workspaces_are_removed_but_nothing_else()
    {
        var stale = JobWorkspace.Create(_work.Path, "old/job", 2);
        File.WriteAllText(Path.Combine(stale.Workspace, "f"), "x");
        var readOnly = Directory.CreateDirectory(Path.Combine(stale.Workspace, "ro")).FullName;
        File.WriteAllText(Path.Combine(readOnly, "g"), "y");
        File.SetUnixFileMode(readOnly, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var foreign = Directory.CreateDirectory(Path.Combine(_work.Path, "not-ours")).FullName;

        var removed = JobWorkspace.CleanStale(_work.Path);

        Assert.Equal(1, removed);
        Assert.False(Directory.Exists(stale.Root));
        Assert.True(Directory.Exists(foreign));
        Assert.StartsWith("old_job-a2-", Path.GetFileName(stale.Root), StringComparison.Ordinal);
    }

    private static Assignment Job(params StepSpec[] steps) =>
        new("job-1", 1, new JobSpec("test", "unused", ["linux"], Steps: steps));

    private ShellJobExecutor Executor(ProcessRunner runner) =>
        new(runner, new StepExecutorOptions { WorkRoot = _work.Path, Log = new LogStreamOptions { RetryDelay = TimeSpan.Zero } }, _sink);

    private Task<ExecutionResult> RunAsync(Assignment assignment, CancellationToken cancellation = default) =>
        Executor(new ProcessRunner(TimeProvider.System)).ExecuteAsync(assignment, cancellation);
}
