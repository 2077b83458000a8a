namespace Foresight.Autoscaling.Keda;

/// <summary>KEDA ScaledJob <c>scalingStrategy.strategy</c>.</summary>
public enum ScaledJobStrategy
{
    /// <summary><c>maxScale - running</c>: for queues whose length still counts items being processed.</summary>
    Default,

    /// <summary><c>min(maxScale - deduction - running*percentage, max)</c>.</summary>
    Custom,

    /// <summary>Subtracts pending jobs instead of running ones: for queues that drop items once taken.</summary>
    Accurate,

    /// <summary>Fills up to the maximum with the queued items, counting running and pending jobs.</summary>
    Eager,
}
