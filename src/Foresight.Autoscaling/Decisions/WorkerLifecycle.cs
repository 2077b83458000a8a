namespace Foresight.Autoscaling.Decisions;

/// <summary>How long a worker lives.</summary>
public enum WorkerLifecycle
{
    /// <summary>Serves jobs until it is drained.</summary>
    Persistent,

    /// <summary>Serves exactly one job and then leaves (ARC ephemeral runners, KEDA ScaledJob pods).</summary>
    Ephemeral,
}
