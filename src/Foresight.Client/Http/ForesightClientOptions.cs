namespace Foresight.Client;

/// <summary>How a <see cref="ForesightClient"/> retries, polls and times out. The defaults suit a build script.</summary>
public sealed class ForesightClientOptions
{
    /// <summary>
    /// Tries of one request before its failure is reported, the first included (default 6). A request is tried again
    /// after a connection failure, a 5xx answer or a 429; a stream (<see cref="ForesightClient.FollowLogsAsync"/>)
    /// counts consecutive failures only, so it survives any number of drops as long as it makes progress in between.
    /// </summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the second try (default 250 ms); it doubles with every further try up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest back-off between two tries (default 10 s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest <c>Retry-After</c> of a 429 or 503 answer the client waits for (default 1 minute). A server asking for
    /// more is reported at once as a <see cref="ForesightApiException"/> instead of blocking the build.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often <see cref="ForesightClient.WatchJobAsync"/> and <see cref="ForesightClient.WatchWorkflowAsync"/> ask for the state (default 1 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Deadline for one request until the answer's headers arrive (default 100 s). Only for the <see cref="HttpClient"/>
    /// the client creates itself; a log stream, once it started, is not cut by it.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The clock behind back-off and polling waits (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialRetryDelay, TimeSpan.Zero, nameof(InitialRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, InitialRetryDelay, nameof(MaxRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryAfter, TimeSpan.Zero, nameof(MaxRetryAfter));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
