namespace Foresight.Autoscaling.Kubernetes;

/// <summary>HPA rules for one direction: stabilization window, rate-limit policies and how they combine.</summary>
public sealed record HpaScalingRules(TimeSpan StabilizationWindow, IReadOnlyList<HpaScalingPolicy> Policies, HpaSelectPolicy Select)
{
    /// <summary>Kubernetes default scale-up (autoscaling/v2 defaults.go): window 0 s; 4 pods or 100 % per 15 s; Max.</summary>
    public static HpaScalingRules DefaultScaleUp { get; } = new(
        TimeSpan.Zero,
        [new(HpaPolicyType.Pods, 4, TimeSpan.FromSeconds(15)), new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))],
        HpaSelectPolicy.Max);

    /// <summary>Kubernetes default scale-down: window 300 s; 100 % per 15 s.</summary>
    public static HpaScalingRules DefaultScaleDown { get; } = new(
        TimeSpan.FromSeconds(300),
        [new(HpaPolicyType.Percent, 100, TimeSpan.FromSeconds(15))],
        HpaSelectPolicy.Max);

    /// <summary>Longest policy period: scale events older than this no longer matter.</summary>
    public TimeSpan LongestPeriod => Policies.Count == 0 ? TimeSpan.Zero : Policies.Max(p => p.Period);
}
