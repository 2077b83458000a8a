namespace Foresight.Execution;

/// <summary>How a command ended.</summary>
public enum CommandEnd
{
    Exited,
    TimedOut,
    Cancelled,
    FailedToStart,
}

/// <summary>The result of running a command, with what was measured from /proc while it ran.</summary>
/// <param name="LingeringOutput">Set only with <see cref="CommandRequest.KeepBackgroundProcesses"/> when background
/// processes still held the output open at exit: completes when the last of them closes it.</param>
public sealed record CommandOutcome(
    CommandEnd End,
    int? ExitCode,
    TimeSpan Duration,
    long? PeakMemoryMb,
    TimeSpan? CpuTime,
    string OutputTail,
    string? Error = null,
    Task? LingeringOutput = null);
