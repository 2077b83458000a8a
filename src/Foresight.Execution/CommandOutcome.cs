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
public sealed record CommandOutcome(
    CommandEnd End,
    int? ExitCode,
    TimeSpan Duration,
    long? PeakMemoryMb,
    TimeSpan? CpuTime,
    string OutputTail,
    string? Error = null);
