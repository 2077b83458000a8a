using System.Globalization;
using System.Text;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Execution.Logs;
using Foresight.Execution.Masking;
using Foresight.Scheduling.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Foresight.Execution.Jobs;

/// <summary>
/// Runs a job's steps (or its command as one step) in order in one workspace, GitHub Actions style: each step's text
/// is written to a script file run by its shell template, in its working directory, with job env + secrets + step
/// env + Foresight's variables. A step is bounded by its own timeout and by what is left of the job's; a failed step
/// stops the job unless it may continue on error; cancellation kills the whole process tree. Output is masked
/// (secrets become <c>***</c>), kept in a tail and streamed to the log store. Processes a job leaves running are
/// killed when it ends (found by a tracking variable in their environment). Used by the agent process and by the
/// server's local workers alike.
/// A job sees nothing of the worker's own environment: only <see cref="RunnerVariables"/>, its spec's env, its secrets
/// and its step's env. It has its own HOME and TMPDIR in its workspace, and runs as <see cref="User"/> when that is set
/// (by default a root worker runs jobs as <see cref="JobUser.DefaultName"/>).
/// </summary>
public sealed partial class ShellJobExecutor : IJobExecutor
{
    /// <summary>Set in every step's environment to a value unique to the attempt; processes carrying it are killed when the attempt ends.</summary>
    public const string TrackingVariable = "FORESIGHT_TRACKING_ID";

    private readonly ProcessRunner _runner;
    private readonly StepExecutorOptions _options;
    private readonly ILogChunkSink? _logs;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JobUser? _user;

    /// <summary>Runs jobs under <paramref name="workspaceRoot"/> without streaming logs (the result keeps the tail).</summary>
    public ShellJobExecutor(ProcessRunner runner, string workspaceRoot, TimeSpan defaultTimeout)
        : this(runner, new StepExecutorOptions { WorkRoot = workspaceRoot, DefaultJobTimeout = defaultTimeout })
    {
    }

    public ShellJobExecutor(ProcessRunner runner, StepExecutorOptions options, ILogChunkSink? logs = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        _runner = runner;
        _options = options;
        _logs = logs;
        _time = runner.Time;
        _logger = logger ?? NullLogger.Instance;
        _user = JobUser.Resolve(options.RunAs);
    }

    /// <summary>The user jobs run as; null when they run as this process's user.</summary>
    public JobUser? User => _user;

    /// <summary>The variables every step gets besides its job's, secrets and step's (which may override the first
    /// seven, not the rest), documented in docs/security.md.</summary>
    public static IReadOnlyList<string> RunnerVariables { get; } =
    [
        "CI", "HOME", "TMPDIR", "PATH", "LANG", "USER", "LOGNAME",
        "FORESIGHT_JOB_ID", "FORESIGHT_ATTEMPT", "FORESIGHT_WORKSPACE", "GITHUB_WORKSPACE", "RUNNER_TEMP",
        TrackingVariable, ProcessRunner.CommandVariable,
    ];

    /// <summary>The steps a spec runs: its <see cref="JobSpec.Steps"/>, or its command as one step (with <c>sh</c>,
    /// no <c>-e</c>: what <c>/bin/sh -c</c> did).</summary>
    public static IReadOnlyList<StepSpec> StepsOf(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Steps is { Count: > 0 } steps ? steps : [new StepSpec("", spec.Command, Shell: "sh {0}")];
    }

    public async Task<ExecutionResult> ExecuteAsync(Assignment assignment, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var started = _time.GetTimestamp();
        var masker = new SecretMasker(assignment.Secrets?.Values ?? Enumerable.Empty<string>());
        await using var log = _logs is null
            ? null
            : new AttemptLogStream(assignment.JobId, assignment.Attempt, _logs, _options.Log, _time, _logger);
        var tail = new OutputTail(_options.TailChars);
        var output = new JobOutput(masker, tail, log).WithSecrets(assignment.Secrets?.Values ?? Enumerable.Empty<string>());
        JobWorkspace workspace;
        try
        {
            workspace = JobWorkspace.Create(_options.WorkRoot, assignment.JobId, assignment.Attempt, _user, _options.Workspace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var error = $"could not create the workspace under {_options.WorkRoot}: {e.Message}";
            output.Line($"##[error] {error}");
            output.Line("##[end] exit=none result=Failed");
            await FlushAsync(log).ConfigureAwait(false);
            return new ExecutionResult(AttemptEnd.Failed, null, _time.GetElapsedTime(started), OutputTail: tail.ToString(), Error: masker.Apply(error));
        }

        var run = new Run(assignment, workspace, output, Guid.NewGuid().ToString("n"));
        try
        {
            await RunStepsAsync(run, started, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await CleanUpAsync(run).ConfigureAwait(false);
        }

        var duration = _time.GetElapsedTime(started);
        output.Line(string.Create(CultureInfo.InvariantCulture, $"##[end] exit={(run.ExitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "none")} result={run.End}"));
        await FlushAsync(log).ConfigureAwait(false);
        if (!workspace.TryDelete())
        {
            LogWorkspaceKept(_logger, workspace.Root);
        }

        return new ExecutionResult(
            run.End,
            run.ExitCode,
            duration,
            run.PeakMemoryMb,
            run.CpuTime,
            tail.ToString(),
            run.Error is null ? null : output.Masker.Apply(run.Error))
        {
            Outputs = run.Outputs,
            StepSummary = run.StepSummary is null ? null : output.Masker.Apply(run.StepSummary),
        };
    }

    private async Task RunStepsAsync(Run run, long started, CancellationToken cancellation)
    {
        var spec = run.Assignment.Spec;
        var jobTimeout = spec.Timeout ?? _options.DefaultJobTimeout;
        if (spec.Context is not null)
        {
            await RunWorkflowJobAsync(run, started, jobTimeout, cancellation).ConfigureAwait(false);
            return;
        }

        var steps = StepsOf(spec);
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            var name = StepName(step, i);
            if (run.Stopped)
            {
                run.Output.Line($"##[skipped] {name}");
                continue;
            }

            if (cancellation.IsCancellationRequested)
            {
                run.Stop(AttemptEnd.Cancelled, null, "cancelled");
                run.Output.Line($"##[skipped] {name}");
                continue;
            }

            var remaining = jobTimeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                run.Stop(AttemptEnd.TimedOut, null, $"job timed out after {jobTimeout}");
                run.Output.Line($"##[error] {run.Error}");
                run.Output.Line($"##[skipped] {name}");
                continue;
            }

            var byStep = step.Timeout is { } own && own <= remaining;
            var limit = byStep ? step.Timeout!.Value : remaining;
            run.Output.Line($"##[step] {name}");
            var outcome = await RunStepAsync(run, step, i, limit, cancellation).ConfigureAwait(false);
            run.Measure(outcome);
            switch (outcome.End)
            {
                case CommandEnd.Exited when outcome.ExitCode == 0:
                    break;
                case CommandEnd.Exited:
                    StepFailed(run, step, $"step '{name}' failed with exit code {outcome.ExitCode}", outcome.ExitCode, AttemptEnd.Failed);
                    break;
                case CommandEnd.TimedOut when byStep:
                    StepFailed(run, step, $"step '{name}' timed out after {limit}", null, AttemptEnd.TimedOut);
                    break;
                case CommandEnd.TimedOut:
                    run.Stop(AttemptEnd.TimedOut, null, $"job timed out after {jobTimeout} (in step '{name}')");
                    run.Output.Line($"##[error] {run.Error}");
                    break;
                case CommandEnd.Cancelled:
                    run.Stop(AttemptEnd.Cancelled, null, "cancelled");
                    run.Output.Line($"##[error] cancelled in step '{name}'");
                    break;
                default:
                    StepFailed(run, step, $"step '{name}' could not start: {outcome.Error}", null, AttemptEnd.Failed);
                    break;
            }
        }
    }

    private async Task<CommandOutcome> RunStepAsync(Run run, StepSpec step, int index, TimeSpan limit, CancellationToken cancellation)
    {
        string program;
        IReadOnlyList<string> arguments;
        string workingDirectory;
        try
        {
            var template = ShellTemplate.Resolve(step.Shell);
            var script = Path.Combine(run.Workspace.Temp, string.Create(CultureInfo.InvariantCulture, $"step-{index + 1}{template.ScriptExtension}"));
            await File.WriteAllTextAsync(script, step.Run.EndsWith('\n') ? step.Run : step.Run + "\n", new UTF8Encoding(false), cancellation).ConfigureAwait(false);
            run.Workspace.Own(script);
            (program, arguments) = template.Build(script);
            workingDirectory = Path.GetFullPath(step.WorkingDirectory ?? ".", run.Workspace.Workspace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            return new CommandOutcome(CommandEnd.FailedToStart, null, TimeSpan.Zero, null, null, "", e.Message);
        }
        catch (OperationCanceledException)
        {
            return new CommandOutcome(CommandEnd.Cancelled, null, TimeSpan.Zero, null, null, "", "cancelled");
        }

        var request = new CommandRequest(
            step.Run,
            Environment(run, step),
            workingDirectory,
            limit,
            program,
            arguments,
            KeepBackgroundProcesses: true,
            _user);
        var outcome = await _runner.RunAsync(request, run.Output.ForStep(), cancellation).ConfigureAwait(false);
        if (outcome.LingeringOutput is { } lingering)
        {
            run.Lingering.Add(lingering);
        }

        return outcome;
    }

    /// <summary>The runner's defaults, then job env, then secrets, then step env; then Foresight's own variables, which
    /// nothing overrides. Nothing comes from this process's environment.</summary>
    private Dictionary<string, string> Environment(Run run, StepSpec step)
    {
        var user = _user?.Name ?? System.Environment.UserName;
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CI"] = "true",
            ["HOME"] = run.Workspace.Home,
            ["TMPDIR"] = run.Workspace.Temp,
            ["PATH"] = ProcessRunner.DefaultPath,
            ["LANG"] = "C.UTF-8",
            ["USER"] = user,
            ["LOGNAME"] = user,
        };
        void Merge(IReadOnlyDictionary<string, string>? values, string what)
        {
            foreach (var (key, value) in values ?? new Dictionary<string, string>())
            {
                if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal)
                    || value is null || value.Contains('\0', StringComparison.Ordinal))
                {
                    run.Output.Line($"##[warning] {what} variable '{key.Replace('\0', ' ')}' ignored: not a valid environment variable");
                    continue;
                }

                env[key] = value;
            }
        }

        Merge(run.Assignment.Spec.Env, "job");
        Merge(run.Assignment.Secrets, "secret");
        Merge(step.Env, "step");
        env["FORESIGHT_JOB_ID"] = run.Assignment.JobId;
        env["FORESIGHT_ATTEMPT"] = run.Assignment.Attempt.ToString(CultureInfo.InvariantCulture);
        env["FORESIGHT_WORKSPACE"] = run.Workspace.Workspace;
        env["GITHUB_WORKSPACE"] = run.Workspace.Workspace;
        env["RUNNER_TEMP"] = run.Workspace.Temp;
        env[TrackingVariable] = run.TrackingId;
        return env;
    }

    private static void StepFailed(Run run, StepSpec step, string message, int? exitCode, AttemptEnd end)
    {
        run.Output.Line($"##[error] {message}");
        if (step.ContinueOnError)
        {
            run.Output.Line("##[warning] continue-on-error: the job goes on");
            return;
        }

        run.Stop(end, exitCode, message);
    }

    /// <summary>Kills what the job left running and waits (bounded) for its output to close.</summary>
    private async Task CleanUpAsync(Run run)
    {
        var killed = ProcessReaper.KillTagged(TrackingVariable, run.TrackingId);
        if (killed > 0)
        {
            run.Output.Line(string.Create(CultureInfo.InvariantCulture, $"##[cleanup] killed {killed} process(es) the job left running"));
        }

        if (run.Lingering.Count > 0)
        {
            try
            {
                await Task.WhenAll(run.Lingering).WaitAsync(_options.OrphanGrace, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogOutputStillOpen(_logger, run.Assignment.JobId, run.Assignment.Attempt);
            }
        }
    }

    private static async Task FlushAsync(AttemptLogStream? log)
    {
        if (log is not null)
        {
            await log.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static string StepName(StepSpec step, int index)
    {
        if (!string.IsNullOrWhiteSpace(step.Name))
        {
            return step.Name.Trim();
        }

        var first = step.Run.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is null
            ? string.Create(CultureInfo.InvariantCulture, $"step {index + 1}")
            : "Run " + (first.Length > 80 ? first[..80] + "…" : first);
    }

    /// <summary>The state of one attempt while its steps run.</summary>
    private sealed class Run(Assignment assignment, JobWorkspace workspace, JobOutput output, string trackingId)
    {
        public Assignment Assignment { get; } = assignment;

        public JobWorkspace Workspace { get; } = workspace;

        public JobOutput Output { get; } = output;

        public string TrackingId { get; } = trackingId;

        public List<Task> Lingering { get; } = [];

        /// <summary>A workflow job's evaluated outputs.</summary>
        public IReadOnlyDictionary<string, string>? Outputs { get; set; }

        /// <summary>What the steps wrote to <c>GITHUB_STEP_SUMMARY</c>.</summary>
        public string? StepSummary { get; set; }

        public AttemptEnd End { get; private set; } = AttemptEnd.Succeeded;

        public int? ExitCode { get; private set; } = 0;

        public string? Error { get; private set; }

        public bool Stopped { get; private set; }

        public long? PeakMemoryMb { get; private set; }

        public TimeSpan? CpuTime { get; private set; }

        public void Stop(AttemptEnd end, int? exitCode, string error)
        {
            End = end;
            ExitCode = exitCode;
            Error = error;
            Stopped = true;
        }

        /// <summary>Peak memory of the job is the largest of its steps'; CPU time is their sum.</summary>
        public void Measure(CommandOutcome outcome)
        {
            if (outcome.PeakMemoryMb is { } peak)
            {
                PeakMemoryMb = Math.Max(PeakMemoryMb ?? 0, peak);
            }

            if (outcome.CpuTime is { } cpu)
            {
                CpuTime = (CpuTime ?? TimeSpan.Zero) + cpu;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workspace {Path} could not be removed; it is removed at the next start")]
    private static partial void LogWorkspaceKept(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} attempt {Attempt}: background output still open after clean-up; not waiting longer")]
    private static partial void LogOutputStillOpen(ILogger logger, string jobId, int attempt);
}
