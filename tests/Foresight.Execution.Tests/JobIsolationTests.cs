using System.Globalization;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Execution.Jobs;
using Foresight.Execution.Logs;
using Foresight.Scheduling.Jobs;
using Foresight.Testing;

namespace Foresight.Execution.Tests;

/// <summary>
/// What a job can see on its worker, with real processes: none of the worker's environment (where the server keeps
/// its secrets), none of its private files or its /proc entries, its own HOME and TMPDIR. This test process stands
/// for the server or agent: the jobs' parent. The checks of another user hold when it runs as root (as CI does); run
/// as anyone else, jobs run as that user and those checks only confirm it.
/// </summary>
public sealed class JobIsolationTests : IDisposable
{
    /// <summary>A secret in the form the server reads from its environment. Set process-wide, as the attack found it;
    /// nothing else in this assembly reads configuration, so the other tests running at the same time do not care.</summary>
    private const string ServerSecretVariable = "FORESIGHT_Foresight__Secrets__x__y__Z";

    private const string ServerSecret = "topsecret-of-the-server";

    // Shell variables a shell sets for itself.
    private static readonly string[] ShellVariables = ["PWD", "OLDPWD", "SHLVL", "_"];

    private readonly TempDir _work = new();
    private readonly TempDir _private = new(writableByJobs: true);
    private readonly RecordingSink _sink = new();

    static JobIsolationTests() => Environment.SetEnvironmentVariable(ServerSecretVariable, ServerSecret);

    public void Dispose()
    {
        _work.Dispose();
        _private.Dispose();
    }

    private static bool IsRoot => JobUser.CurrentUid == 0;

    [Fact]
    public async Task A_job_sees_only_its_own_variables_its_secrets_and_the_runner_variables_never_the_workers()
    {
        Assert.Equal(ServerSecret, Environment.GetEnvironmentVariable(ServerSecretVariable));
        var spec = new JobSpec(
            "env",
            "unused",
            ["linux"],
            Env: new Dictionary<string, string> { ["FROM_JOB"] = "job-value" },
            Steps: [new StepSpec("env", "env\n[ \"$MY_SECRET\" = s3cr3t-value ] && echo secret-arrived", Env: new Dictionary<string, string> { ["FROM_STEP"] = "1" })]);

        var result = await Executor().ExecuteAsync(new Assignment("job-1", 1, spec, new Dictionary<string, string> { ["MY_SECRET"] = "s3cr3t-value" }), CancellationToken.None);

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        var log = _sink.Text();
        Assert.DoesNotContain(ServerSecret, log, StringComparison.Ordinal);
        Assert.DoesNotContain("FORESIGHT_Foresight__", log, StringComparison.Ordinal);
        Assert.Contains("secret-arrived\n", log, StringComparison.Ordinal);
        Assert.Contains("MY_SECRET=***\n", log, StringComparison.Ordinal);
        Assert.Contains("FROM_JOB=job-value\n", log, StringComparison.Ordinal);
        Assert.Contains("CI=true\n", log, StringComparison.Ordinal);
        Assert.Contains($"PATH={ProcessRunner.DefaultPath}\n", log, StringComparison.Ordinal);
        var names = log.Split('\n')
            .Where(l => !l.StartsWith("##[", StringComparison.Ordinal) && l.Contains('=', StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)])
            .Where(n => n.Length > 0 && n.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));
        var allowed = ShellJobExecutor.RunnerVariables.Concat(ShellVariables).Concat(["FROM_JOB", "FROM_STEP", "MY_SECRET"]).ToHashSet(StringComparer.Ordinal);
        Assert.All(names, n => Assert.Contains(n, allowed));
    }

    [Fact]
    public async Task Home_and_tmpdir_are_the_jobs_own_inside_its_workspace()
    {
        var result = await RunAsync(
            "echo \"home=$HOME\"\necho \"tmp=$TMPDIR\"\ntouch \"$HOME/.cache-file\" && echo home-writable\necho \"made=$(mktemp)\"\ncd ~ && echo \"tilde=$(pwd)\"");

        Assert.Equal(AttemptEnd.Succeeded, result.End);
        var log = _sink.Text();
        Assert.Matches($"home={Escape(_work.Path)}/job-1-a1-[0-9a-f]{{8}}/home\n", log);
        Assert.Matches($"tmp={Escape(_work.Path)}/job-1-a1-[0-9a-f]{{8}}/temp\n", log);
        Assert.Matches($"made={Escape(_work.Path)}/job-1-a1-[0-9a-f]{{8}}/temp/tmp", log);
        Assert.Matches($"tilde={Escape(_work.Path)}/job-1-a1-[0-9a-f]{{8}}/home\n", log);
        Assert.Contains("home-writable\n", log, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task A_root_worker_runs_jobs_as_an_unprivileged_user_that_cannot_read_its_token_file_or_its_environ()
    {
        // The server's admin token as it lies on disk: mode 600 in a folder anyone may pass through, so that only the
        // file's own mode stands between the job and the token.
        var folder = Directory.CreateDirectory(Path.Combine(_private.Path, ".foresight")).FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        var token = Path.Combine(folder, "admin-token");
        await File.WriteAllTextAsync(token, "fst_admin_token_value");
        File.SetUnixFileMode(token, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await RunAsync(
            $"echo \"uid=$(id -u) groups=$(id -G)\"\ncat {token} || echo \"token-exit=$?\"\n"
            + "tr '\\0' '\\n' < /proc/$PPID/environ || echo \"environ-exit=$?\"\n"
            + "grep -c . /proc/1/environ || echo \"init-exit=$?\"\n"
            + "sleep 30 &\necho \"owner=$(stat -c %u /proc/$!)\"");

        var log = _sink.Text();
        Assert.True(result.End == AttemptEnd.Succeeded, log);
        if (!IsRoot)
        {
            return; // jobs run as this user: it can read its own files; nothing more to check here
        }

        var user = JobUser.Resolve(null)!;
        Assert.Equal(JobUser.DefaultName, user.Name);
        Assert.NotEqual(0, user.Uid);
        Assert.Contains($"uid={user.Uid} groups={user.Gid}\n", log, StringComparison.Ordinal);
        Assert.DoesNotContain("fst_admin_token_value", log, StringComparison.Ordinal);
        Assert.DoesNotContain(ServerSecret, log, StringComparison.Ordinal);
        Assert.Contains("Permission denied", log, StringComparison.Ordinal);
        Assert.Contains("token-exit=1\n", log, StringComparison.Ordinal);
        Assert.Contains("environ-exit=1\n", log, StringComparison.Ordinal);
        Assert.Contains("init-exit=2\n", log, StringComparison.Ordinal);
        Assert.Contains($"owner={user.Uid}\n", log, StringComparison.Ordinal);
        // The process it left running was another user's, and still found and killed by its tracking variable.
        Assert.Contains("##[cleanup] killed 1 process(es)", log, StringComparison.Ordinal);
        Assert.NotNull(result.PeakMemoryMb);
    }

    [Fact]
    public async Task A_job_of_another_user_is_still_killed_on_timeout_and_measured()
    {
        var pidFile = Path.Combine(_private.Path, "child");
        var spec = new JobSpec("t", "unused", ["linux"], Timeout: TimeSpan.FromSeconds(2), Steps: [new StepSpec("hang", $"sleep 300 &\necho $! > {pidFile}\nwait")]);

        var result = await Executor().ExecuteAsync(new Assignment("job-1", 1, spec), CancellationToken.None);

        Assert.Equal(AttemptEnd.TimedOut, result.End);
        var child = int.Parse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture);
        await Wait.UntilAsync(() => !Wait.IsAlive(child), $"child {child} killed");
        Assert.NotNull(result.PeakMemoryMb);
        Assert.Empty(Directory.GetDirectories(_work.Path));
    }

    [Fact]
    public void The_run_as_user_is_resolved_from_configuration()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // Naming this process's own user means no switch, root included.
        Assert.Null(JobUser.Resolve(Environment.UserName));
        Assert.Throws<InvalidOperationException>(() => JobUser.Resolve("no-such-user-for-foresight"));
        if (IsRoot)
        {
            Assert.Equal(JobUser.DefaultName, JobUser.Resolve(null)?.Name);
            Assert.Equal(JobUser.DefaultName, JobUser.Resolve(" ")?.Name);
        }
        else
        {
            Assert.Null(JobUser.Resolve(null));
            Assert.Throws<InvalidOperationException>(() => JobUser.Resolve("root"));
        }
    }

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private ShellJobExecutor Executor() =>
        new(new ProcessRunner(TimeProvider.System), new StepExecutorOptions { WorkRoot = _work.Path, Log = new LogStreamOptions { RetryDelay = TimeSpan.Zero } }, _sink);

    private Task<ExecutionResult> RunAsync(string script) =>
        Executor().ExecuteAsync(new Assignment("job-1", 1, new JobSpec("t", "unused", ["linux"], Steps: [new StepSpec("s", script)])), CancellationToken.None);
}
