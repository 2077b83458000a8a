using Foresight.Scheduling;

namespace Foresight.Simulation.Traces;

/// <summary>Shape of a synthetic CI workload: daily and weekly seasonality, bursts, log-normal durations.</summary>
public sealed record SyntheticTraceOptions
{
    /// <summary>Start of the trace (a Monday 00:00 UTC by default).</summary>
    public DateTimeOffset Start { get; init; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Length of the trace.</summary>
    public TimeSpan Length { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Mean arrival rate on a weekday, jobs per hour.</summary>
    public double JobsPerHour { get; init; } = 60;

    /// <summary>Relative amplitude of the daily cycle (peak at 14:00 UTC), 0..1.</summary>
    public double DailyAmplitude { get; init; } = 0.6;

    /// <summary>Rate multiplier on Saturday and Sunday.</summary>
    public double WeekendFactor { get; init; } = 0.3;

    /// <summary>Bursts per day (e.g. a merge train or a nightly matrix).</summary>
    public int BurstsPerDay { get; init; } = 2;

    /// <summary>Jobs per burst.</summary>
    public int BurstJobs { get; init; } = 40;

    /// <summary>Time over which a burst's jobs arrive.</summary>
    public TimeSpan BurstSpread { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Median job duration.</summary>
    public TimeSpan MedianDuration { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Sigma of the log-normal duration.</summary>
    public double DurationSigma { get; init; } = 0.8;

    /// <summary>Resources of every job.</summary>
    public Resources Request { get; init; } = new(1, 2048);

    /// <summary>Random seed: the same seed gives the same trace.</summary>
    public int Seed { get; init; } = 42;
}
