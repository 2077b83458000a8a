namespace Foresight.Autoscaling.Kubernetes;

/// <summary>Settings of an HPA on a utilization target. Defaults are the Kubernetes defaults.</summary>
public sealed record HpaOptions
{
    /// <summary>Target average utilization in percent (<c>target.averageUtilization</c>).</summary>
    public int TargetUtilizationPercent { get; init; } = 70;

    /// <summary><c>--horizontal-pod-autoscaler-tolerance</c>, default 0.1.</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary><c>--horizontal-pod-autoscaler-sync-period</c>, default 15 s.</summary>
    public TimeSpan SyncPeriod { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary><c>spec.behavior</c>; defaults to the Kubernetes default behavior.</summary>
    public HpaBehavior Behavior { get; init; } = HpaBehavior.Default;
}
