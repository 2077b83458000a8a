namespace Foresight.Autoscaling.Kubernetes;

/// <summary>One HPA rate limit: at most <see cref="Value"/> pods or percent per <see cref="Period"/>.</summary>
public sealed record HpaScalingPolicy(HpaPolicyType Type, int Value, TimeSpan Period);
