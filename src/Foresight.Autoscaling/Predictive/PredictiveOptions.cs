namespace Foresight.Autoscaling.Predictive;

/// <summary>Settings shared by the forecast-driven policies (<c>predictive</c>, <c>hybrid</c>, <c>cost</c>, <c>qlearning</c>).</summary>
public sealed record PredictiveOptions
{
    /// <summary>How often the policy decides.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Time from asking for a worker until it takes jobs: the policy looks this far ahead, plus one interval.</summary>
    public TimeSpan BootDelay { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Queued jobs should start within this; the backlog term sizes workers to drain the queue in it.</summary>
    public TimeSpan WaitTarget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A forecast fitted on history that ended longer ago than this is stale (not used).</summary>
    public TimeSpan MaxForecastAge { get; init; } = TimeSpan.FromHours(3);

    /// <summary>
    /// A forecast whose interval at the window's peak is wider than this many times its mean (and than
    /// <see cref="MinWideWorkers"/> workers) has too little confidence to act on.
    /// </summary>
    public double MaxRelativeWidth { get; init; } = 3.0;

    /// <summary>Interval widths below this many workers never count as too wide (small pools have wide relative intervals).</summary>
    public double MinWideWorkers { get; init; } = 10;

    /// <summary>Completed jobs needed before the learned mean run time is trusted.</summary>
    public int MinCompletions { get; init; } = 20;

    /// <summary>Extra share of workers kept above the forecast demand (0.1 = 10 %).</summary>
    public double Headroom { get; init; }

    /// <summary>Share of the forecast's lower-bound demand (lower rate × mean run time) kept as a scale-in floor.</summary>
    public double FloorShare { get; init; } = 1.0;

    /// <summary>Share of the backlog term applied (1 = boot a worker for every queued job that cannot wait).</summary>
    public double BacklogShare { get; init; } = 1.0;

    /// <summary>Checks the settings; throws naming the bad one.</summary>
    public void Validate()
    {
        Positive(Interval, nameof(Interval));
        Positive(MaxForecastAge, nameof(MaxForecastAge));
        if (BootDelay < TimeSpan.Zero || WaitTarget < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BootDelay), "Boot delay and wait target must not be negative.");
        }

        if (!(MaxRelativeWidth > 0) || Headroom < 0 || MinCompletions < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRelativeWidth), "Width limit must be positive; headroom and completions must not be negative.");
        }
    }

    internal static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        }
    }
}
