namespace Foresight.Autoscaling.Observations;

/// <summary>One worker in an observation.</summary>
/// <param name="WorkerId">Stable worker id; decisions name workers to drain by it.</param>
/// <param name="State">Lifecycle state.</param>
/// <param name="RunningJobs">Jobs running on it now.</param>
/// <param name="Utilization">Share of its capacity in use, 0..1 (the resource metric an HPA would read).</param>
/// <param name="Since">When it entered <paramref name="State"/>.</param>
public readonly record struct WorkerObservation(
    string WorkerId,
    WorkerState State,
    int RunningJobs,
    double Utilization,
    DateTimeOffset Since);
