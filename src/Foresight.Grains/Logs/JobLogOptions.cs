namespace Foresight.Grains.Logs;

/// <summary>Where and how much job output is kept (section <c>Foresight:Logs</c>; environment <c>FORESIGHT_Foresight__Logs__…</c>).</summary>
public sealed class JobLogOptions
{
    public const string Section = "Foresight:Logs";

    /// <summary>Directory of the log files; default <c>foresight-logs</c> under the OS temp directory. Silos on one
    /// host may share it (appends are serialised by file locks).</summary>
    public string? Directory { get; set; }

    /// <summary>Bytes kept per attempt; the rest is dropped after one truncation marker.</summary>
    public long MaxBytesPerAttempt { get; set; } = 10 * 1024 * 1024;

    /// <summary>Most bytes one read returns (a caller reads on from <see cref="Abstractions.Logs.LogSlice.NextOffset"/>).</summary>
    public int MaxReadBytes { get; set; } = 1024 * 1024;

    /// <summary>How long an append waits for another process's lock on the same attempt before failing (the agent retries).</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public string ResolvedDirectory => string.IsNullOrWhiteSpace(Directory)
        ? Path.Combine(Path.GetTempPath(), "foresight-logs")
        : Path.GetFullPath(Directory);

    /// <summary>The first problem, naming its key; null when the options are usable.</summary>
    public string? Validate()
    {
        if (MaxBytesPerAttempt is < 1024 or > 1024L * 1024 * 1024 * 64)
        {
            return $"{Section}:{nameof(MaxBytesPerAttempt)} must be between 1024 and 68719476736 (was {MaxBytesPerAttempt})";
        }

        if (MaxReadBytes is < 1024 or > 64 * 1024 * 1024)
        {
            return $"{Section}:{nameof(MaxReadBytes)} must be between 1024 and 67108864 (was {MaxReadBytes})";
        }

        return LockTimeout <= TimeSpan.Zero ? $"{Section}:{nameof(LockTimeout)} must be positive (was {LockTimeout})" : null;
    }
}
