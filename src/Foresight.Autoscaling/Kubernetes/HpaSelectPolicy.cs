namespace Foresight.Autoscaling.Kubernetes;

/// <summary>How several HPA scaling policies combine (<c>selectPolicy</c>).</summary>
public enum HpaSelectPolicy
{
    /// <summary>The policy allowing the largest change wins (the default).</summary>
    Max,

    /// <summary>The policy allowing the smallest change wins.</summary>
    Min,

    /// <summary>Scaling in this direction is turned off.</summary>
    Disabled,
}
