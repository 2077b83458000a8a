using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Fleet;

/// <summary>A fixed fleet of N workers: what many CI operators run. Replaces workers that leave; never scales.</summary>
public sealed class StaticFleetPolicy(int workers) : IAutoscalerPolicy
{
    /// <summary>Fleet size.</summary>
    public int Workers { get; } = workers >= 0 ? workers : throw new ArgumentOutOfRangeException(nameof(workers));

    /// <inheritdoc />
    public string Name => $"static:{Workers}";

    /// <inheritdoc />
    public TimeSpan Interval => TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public WorkerLifecycle Lifecycle => WorkerLifecycle.Persistent;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => TimeSpan.Zero;

    /// <inheritdoc />
    public AutoscalerDecision Decide(AutoscalerObservation observation) =>
        ScaleTo.Target(observation, Workers, "static fleet", drainBusy: false);
}
