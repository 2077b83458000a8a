namespace Foresight.Autoscaling.Predictive;

/// <summary>
/// Settings of <c>hybrid</c>. The fallback rules, used when the forecast is missing, stale or too wide:
/// queued jobs → scale out to queued + running; utilization of the ready workers ≥ <see cref="HighUtilization"/> or
/// &lt; <see cref="LowUtilization"/> → size for the running jobs at <see cref="TargetUtilization"/> (as an HPA would);
/// otherwise hold.
/// </summary>
public sealed record HybridOptions
{
    /// <summary>Scale-in goes no lower than the highest recommendation within this window.</summary>
    public TimeSpan ScaleInStabilization { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>No scale-in for this long after a scale-out.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The reactive term keeps this share of workers above the jobs present (queued + running).</summary>
    public double ReactiveHeadroom { get; init; }

    /// <summary>Fallback: utilization at or above which the pool grows.</summary>
    public double HighUtilization { get; init; } = 0.8;

    /// <summary>Fallback: utilization below which the pool shrinks.</summary>
    public double LowUtilization { get; init; } = 0.4;

    /// <summary>Fallback: utilization a shrinking pool aims for.</summary>
    public double TargetUtilization { get; init; } = 0.7;

    /// <summary>Checks the settings; throws naming the bad one.</summary>
    public void Validate()
    {
        if (ScaleInStabilization < TimeSpan.Zero || Cooldown < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ScaleInStabilization), "Stabilization and cooldown must not be negative.");
        }

        if (ReactiveHeadroom < 0 || !(LowUtilization < HighUtilization) || !(TargetUtilization > 0 && TargetUtilization <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(HighUtilization), "Need headroom ≥ 0, low < high utilization and 0 < target ≤ 1.");
        }
    }
}
