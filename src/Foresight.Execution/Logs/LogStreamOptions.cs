namespace Foresight.Execution.Logs;

/// <summary>Bounds of the output an agent holds per attempt while the log store is slow or unreachable.</summary>
public sealed class LogStreamOptions
{
    /// <summary>Most characters in one chunk.</summary>
    public int MaxChunkChars { get; set; } = 64 * 1024;

    /// <summary>Most chunks in one call.</summary>
    public int MaxChunksPerCall { get; set; } = 16;

    /// <summary>Most characters waiting to be sent (besides the call in flight). Beyond it the oldest waiting output is
    /// dropped and a marker line says how much: the last resort, so that a job is never slowed by its log.</summary>
    public int MaxPendingChars { get; set; } = 1024 * 1024;

    /// <summary>Back-off between tries of a call that failed.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the end of an attempt waits for its output to be delivered before giving up on the rest.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
