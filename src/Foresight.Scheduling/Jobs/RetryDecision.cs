namespace Foresight.Scheduling.Jobs;

/// <summary>
/// The answer of <see cref="RetryPolicy.Decide"/>: whether to start another attempt, after how long, and a short
/// human-readable reason that the JobGrain can store with the attempt.
/// </summary>
public readonly record struct RetryDecision(bool Retry, TimeSpan Delay, string Reason);
