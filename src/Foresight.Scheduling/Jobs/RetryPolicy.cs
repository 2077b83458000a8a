namespace Foresight.Scheduling.Jobs;

/// <summary>
/// Decides whether a finished attempt gets another try. Only failures that are likely transient are retried:
/// a lost worker, or an exit code the workflow marked retryable. Backoff doubles per attempt up to a cap and
/// has no jitter, so the simulator and the cluster make identical decisions.
/// </summary>
public sealed record RetryPolicy
{
    /// <summary>Backoff before the second attempt when none is configured.</summary>
    public static readonly TimeSpan DefaultBaseBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Longest backoff when none is configured.</summary>
    public static readonly TimeSpan DefaultMaxBackoff = TimeSpan.FromSeconds(60);

    private static readonly int[] NoExitCodes = [];

    public RetryPolicy(
        int MaxAttempts = 3,
        TimeSpan? BaseBackoff = null,
        TimeSpan? MaxBackoff = null,
        IReadOnlyCollection<int>? RetryableExitCodes = null)
    {
        this.MaxAttempts = MaxAttempts;
        this.BaseBackoff = BaseBackoff;
        this.MaxBackoff = MaxBackoff;
        this.RetryableExitCodes = RetryableExitCodes;
        if (this.MaxBackoff < this.BaseBackoff)
        {
            throw new ArgumentException(
                $"MaxBackoff ({this.MaxBackoff}) must not be shorter than BaseBackoff ({this.BaseBackoff}).",
                nameof(MaxBackoff));
        }
    }

    /// <summary>Total attempts including the first; 1 means never retry.</summary>
    public int MaxAttempts
    {
        get;
        init => field = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxAttempts), value, "MaxAttempts must be at least 1 (1 = never retry).");
    }

    /// <summary>Delay before the second attempt; later ones double. Never null once set (null means the default, 1 s).</summary>
    public TimeSpan? BaseBackoff
    {
        get;
        init => field = NonNegative(value ?? DefaultBaseBackoff, nameof(BaseBackoff));
    }

    /// <summary>Cap on the delay. Never null once set (null means the default, 60 s).</summary>
    public TimeSpan? MaxBackoff
    {
        get;
        init => field = NonNegative(value ?? DefaultMaxBackoff, nameof(MaxBackoff));
    }

    /// <summary>Exit codes that mark a failure as transient. Never null once set (null means none).</summary>
    public IReadOnlyCollection<int>? RetryableExitCodes
    {
        get;
        init => field = value is null || value.Count == 0 ? NoExitCodes : value.Distinct().Order().ToArray();
    }

    /// <summary>Decides what follows the attempt that just ended.</summary>
    /// <param name="attemptNumber">1-based number of the attempt that just ended.</param>
    /// <param name="end">How it ended.</param>
    /// <param name="exitCode">The process exit code when the job's steps reported one.</param>
    public RetryDecision Decide(int attemptNumber, AttemptEnd end, int? exitCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptNumber, 1);
        string? transient = end switch
        {
            AttemptEnd.Succeeded => null,
            AttemptEnd.Cancelled => null,
            AttemptEnd.TimedOut => null,
            AttemptEnd.WorkerLost => "worker lost",
            AttemptEnd.Failed when exitCode is { } code && RetryableExitCodes!.Contains(code) => $"exit code {code} is retryable",
            AttemptEnd.Failed => null,
            _ => throw new ArgumentOutOfRangeException(nameof(end), end, "Unknown attempt end."),
        };

        if (transient is null)
        {
            return new RetryDecision(false, TimeSpan.Zero, NotRetryableReason(end, exitCode));
        }

        if (attemptNumber >= MaxAttempts)
        {
            return new RetryDecision(false, TimeSpan.Zero, $"{transient}, but attempt {attemptNumber} of {MaxAttempts} was the last");
        }

        return new RetryDecision(true, BackoffAfter(attemptNumber), $"{transient}: attempt {attemptNumber + 1} of {MaxAttempts}");
    }

    /// <summary>min(MaxBackoff, BaseBackoff·2^(attemptNumber−1)), computed without overflow.</summary>
    public TimeSpan BackoffAfter(int attemptNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptNumber, 1);
        long baseTicks = BaseBackoff!.Value.Ticks;
        long maxTicks = MaxBackoff!.Value.Ticks;
        int shift = attemptNumber - 1;
        if (baseTicks == 0)
        {
            return TimeSpan.Zero;
        }

        // base·2^shift > max  ⇔  base > ⌊max / 2^shift⌋; checking this way never overflows.
        if (shift >= 62 || baseTicks > maxTicks >> shift)
        {
            return MaxBackoff.Value;
        }

        return TimeSpan.FromTicks(baseTicks << shift);
    }

    public bool Equals(RetryPolicy? other) =>
        other is not null
        && MaxAttempts == other.MaxAttempts
        && BaseBackoff == other.BaseBackoff
        && MaxBackoff == other.MaxBackoff
        && RetryableExitCodes!.SequenceEqual(other.RetryableExitCodes!);

    public override int GetHashCode() => HashCode.Combine(MaxAttempts, BaseBackoff, MaxBackoff, RetryableExitCodes!.Count);

    private static string NotRetryableReason(AttemptEnd end, int? exitCode) => end switch
    {
        AttemptEnd.Succeeded => "attempt succeeded",
        AttemptEnd.Cancelled => "job was cancelled",
        AttemptEnd.TimedOut => "job timed out; timeouts are not retried",
        _ when exitCode is { } code => $"exit code {code} is not retryable",
        _ => "failed without an exit code; not retryable",
    };

    private static TimeSpan NonNegative(TimeSpan value, string name) =>
        value >= TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must not be negative.");
}
