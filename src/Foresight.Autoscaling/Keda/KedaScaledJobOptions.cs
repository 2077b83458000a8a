namespace Foresight.Autoscaling.Keda;

/// <summary>Settings of a KEDA ScaledJob. Defaults are KEDA's, except that min/max come from the pool.</summary>
public sealed record KedaScaledJobOptions
{
    /// <summary><c>scalingStrategy.strategy</c>.</summary>
    public ScaledJobStrategy Strategy { get; init; } = ScaledJobStrategy.Default;

    /// <summary><c>pollingInterval</c>, default 30 s.</summary>
    public TimeSpan PollingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Trigger target: queued items per Job.</summary>
    public double TargetAverageValue { get; init; } = 1;

    /// <summary>Whether the queue-length metric also counts items being processed (false for a CI queue of waiting jobs).</summary>
    public bool QueueLengthIncludesRunning { get; init; }

    /// <summary>customScalingQueueLengthDeduction.</summary>
    public int CustomDeduction { get; init; }

    /// <summary>customScalingRunningJobPercentage.</summary>
    public double CustomRunningPercentage { get; init; }
}
