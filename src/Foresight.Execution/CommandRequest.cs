namespace Foresight.Execution;

/// <summary>One command to run: shell text, environment, working directory and a wall-clock limit.</summary>
/// <param name="Environment">The command's whole environment (plus <see cref="ProcessRunner.CommandVariable"/>, and
/// <c>PATH</c> = <see cref="ProcessRunner.DefaultPath"/> when it has none): nothing is inherited from this process.</param>
/// <param name="Command">Shell text run as <c>{Shell} -c {Command}</c>, unless <paramref name="Arguments"/> is given.</param>
/// <param name="Shell">The program to start.</param>
/// <param name="Arguments">When set, <paramref name="Shell"/> is started with exactly these arguments
/// (e.g. a script file) and <paramref name="Command"/> is only descriptive.</param>
/// <param name="KeepBackgroundProcesses">When the command exits but processes it started in the background still hold
/// its output open, leave them running and hand their output over as <see cref="CommandOutcome.LingeringOutput"/>
/// (the caller cleans them up later); otherwise they are killed after a short grace.</param>
/// <param name="User">When set, the command runs as this user (see <see cref="JobUser"/>) instead of this process's.</param>
public sealed record CommandRequest(
    string Command,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? WorkingDirectory = null,
    TimeSpan? Timeout = null,
    string Shell = "/bin/sh",
    IReadOnlyList<string>? Arguments = null,
    bool KeepBackgroundProcesses = false,
    JobUser? User = null);
