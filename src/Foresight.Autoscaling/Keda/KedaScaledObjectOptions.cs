using Foresight.Autoscaling.Kubernetes;

namespace Foresight.Autoscaling.Keda;

/// <summary>Settings of a KEDA ScaledObject with a queue-length trigger. Defaults are KEDA's; min/max come from the pool.</summary>
public sealed record KedaScaledObjectOptions
{
    /// <summary>Trigger target: queue items per replica (AverageValue of the External metric).</summary>
    public double TargetPerReplica { get; init; } = 1;

    /// <summary>Activation threshold: active when the metric is strictly greater.</summary>
    public double ActivationTarget { get; init; }

    /// <summary><c>pollingInterval</c>, default 30 s: how often KEDA itself checks activation.</summary>
    public TimeSpan PollingInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>cooldownPeriod</c>, default 300 s: inactive this long before scaling to zero.</summary>
    public TimeSpan CooldownPeriod { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>Whether the queue-length metric counts in-flight items (as RabbitMQ's QueueLength counts unacked messages).</summary>
    public bool QueueLengthIncludesRunning { get; init; } = true;

    /// <summary>The HPA KEDA creates (sync period, tolerance, behavior).</summary>
    public HpaOptions Hpa { get; init; } = new();
}
