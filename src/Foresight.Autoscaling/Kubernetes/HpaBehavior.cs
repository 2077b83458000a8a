namespace Foresight.Autoscaling.Kubernetes;

/// <summary>HPA v2 <c>spec.behavior</c>: rules for scaling up and for scaling down.</summary>
public sealed record HpaBehavior(HpaScalingRules ScaleUp, HpaScalingRules ScaleDown)
{
    /// <summary>The behavior Kubernetes fills in when none is given.</summary>
    public static HpaBehavior Default { get; } = new(HpaScalingRules.DefaultScaleUp, HpaScalingRules.DefaultScaleDown);
}
