namespace Foresight.Forecasting.Durations;

/// <summary>Settings shared by every duration estimator and the run history they read.</summary>
public sealed record DurationEstimatorOptions
{
    /// <summary>Runs a key (or family) needs before estimates use it instead of the next step of the fallback chain.</summary>
    public int MinExecutions { get; init; } = 3;

    /// <summary>Last runs kept per key and family (median, p95 and recent-two read these).</summary>
    public int RecentRuns { get; init; } = 20;

    /// <summary>Last runs of the whole pool kept for the pool step of the fallback chain.</summary>
    public int PoolRecentRuns { get; init; } = 1000;

    /// <summary>Most keys (and, separately, families) remembered; runs of further keys still count for the pool.</summary>
    public int MaxKeys { get; init; } = 100_000;

    /// <summary>Reported durations longer than this are ignored (counted as "longer than MaxDuration").</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The estimate before any run of the pool has finished.</summary>
    public TimeSpan Prior { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Smoothing factor of the EWMA (weight of the newest run).</summary>
    public double EwmaAlpha { get; init; } = 0.3;

    /// <summary>Past errors (per estimator and fallback step) the conformal quantiles are read from.</summary>
    public int CalibrationWindow { get; init; } = 2000;

    /// <summary>Past errors needed before the quantiles are calibrated; until then the interval is [point/4, point·4].</summary>
    public int MinCalibration { get; init; } = 30;

    /// <summary>Estimates remembered while their job runs (for calibration); further ones are not learned from.</summary>
    public int MaxPending { get; init; } = 1_000_000;

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public DurationEstimatorOptions Validate()
    {
        Check(MinExecutions is >= 1 and <= 1000, nameof(MinExecutions), "between 1 and 1000");
        Check(RecentRuns is >= 2 and <= 10_000, nameof(RecentRuns), "between 2 and 10,000");
        Check(PoolRecentRuns is >= 2 and <= 100_000, nameof(PoolRecentRuns), "between 2 and 100,000");
        Check(MaxKeys is >= 1 and <= 10_000_000, nameof(MaxKeys), "between 1 and 10,000,000");
        Check(MaxDuration > TimeSpan.Zero, nameof(MaxDuration), "positive");
        Check(Prior > TimeSpan.Zero && Prior <= MaxDuration, nameof(Prior), "positive and at most MaxDuration");
        Check(EwmaAlpha is > 0 and <= 1, nameof(EwmaAlpha), "in (0, 1]");
        Check(CalibrationWindow is >= 10 and <= 1_000_000, nameof(CalibrationWindow), "between 10 and 1,000,000");
        Check(MinCalibration >= 1 && MinCalibration <= CalibrationWindow, nameof(MinCalibration), "between 1 and CalibrationWindow");
        Check(MaxPending >= 1, nameof(MaxPending), "at least 1");
        return this;
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"{name} must be {rule}.");
        }
    }
}
