namespace Foresight.Simulation.Metrics;

/// <summary>
/// What happened to one job of the trace (by position), with how often it started (attempts) and completed, and why it
/// failed when its last failed attempt was not retried.
/// </summary>
public readonly record struct JobOutcome(
    int Index,
    DateTimeOffset SubmitAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? WorkerId,
    int Starts,
    int Completions,
    string? RejectedBecause,
    string? FailedBecause = null);
