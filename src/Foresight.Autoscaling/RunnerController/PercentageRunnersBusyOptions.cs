namespace Foresight.Autoscaling.RunnerController;

/// <summary>Settings of the legacy ARC HorizontalRunnerAutoscaler PercentageRunnersBusy metric; defaults from the controller code.</summary>
public sealed record PercentageRunnersBusyOptions
{
    /// <summary>scaleUpThreshold, default 0.8.</summary>
    public double ScaleUpThreshold { get; init; } = 0.8;

    /// <summary>scaleDownThreshold, default 0.3.</summary>
    public double ScaleDownThreshold { get; init; } = 0.3;

    /// <summary>scaleUpFactor, default 1.3.</summary>
    public double ScaleUpFactor { get; init; } = 1.3;

    /// <summary>scaleDownFactor, default 0.7.</summary>
    public double ScaleDownFactor { get; init; } = 0.7;

    /// <summary>ScaleDownDelaySecondsAfterScaleOut, default 10 min.</summary>
    public TimeSpan ScaleDownDelayAfterScaleOut { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the controller reconciles (the legacy controller's sync period; 1 min assumed).</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromMinutes(1);
}
