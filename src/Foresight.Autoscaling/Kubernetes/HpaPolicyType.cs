namespace Foresight.Autoscaling.Kubernetes;

/// <summary>Kind of an HPA scaling policy (<c>behavior.scaleUp.policies[].type</c>).</summary>
public enum HpaPolicyType
{
    /// <summary>Change by at most N pods per period.</summary>
    Pods,

    /// <summary>Change by at most N percent of the replicas at the start of the period.</summary>
    Percent,
}
