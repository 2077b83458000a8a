using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Workers;
using Foresight.Client.Agents;
using Foresight.Execution;
using Foresight.Scheduling.Jobs;

namespace Foresight.Agent.Execution;

/// <summary>Runs a job's command with <c>/bin/sh -c</c> in a per-attempt workspace, with its environment and timeout.</summary>
public sealed class ShellJobExecutor(ProcessRunner runner, string workspaceRoot, TimeSpan defaultTimeout) : IJobExecutor
{
    public async Task<ExecutionResult> ExecuteAsync(Assignment assignment, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var workspace = Path.Combine(workspaceRoot, Sanitize(assignment.JobId), $"attempt-{assignment.Attempt}");
        Directory.CreateDirectory(workspace);
        var env = new Dictionary<string, string>(assignment.Spec.Env ?? new Dictionary<string, string>())
        {
            ["FORESIGHT_JOB_ID"] = assignment.JobId,
            ["FORESIGHT_ATTEMPT"] = assignment.Attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        try
        {
            var outcome = await runner.RunAsync(
                new CommandRequest(assignment.Spec.Command, env, workspace, assignment.Spec.Timeout ?? defaultTimeout),
                cancellation: cancellation).ConfigureAwait(false);
            return ToResult(outcome);
        }
        finally
        {
            TryDelete(workspace);
        }
    }

    public static ExecutionResult ToResult(CommandOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var end = outcome.End switch
        {
            CommandEnd.Exited when outcome.ExitCode == 0 => AttemptEnd.Succeeded,
            CommandEnd.TimedOut => AttemptEnd.TimedOut,
            CommandEnd.Cancelled => AttemptEnd.Cancelled,
            _ => AttemptEnd.Failed,
        };
        return new ExecutionResult(end, outcome.ExitCode, outcome.Duration, outcome.PeakMemoryMb, outcome.CpuTime, outcome.OutputTail, outcome.Error);
    }

    private static string Sanitize(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its kill may still hold files; the workspace root is cleaned at start-up.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
