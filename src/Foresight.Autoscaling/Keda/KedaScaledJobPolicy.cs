using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Keda;

/// <summary>
/// KEDA ScaledJob: every polling interval, create Jobs (one ephemeral worker each) as the strategy says. A Job whose
/// pod is up while the queue is empty exits (it found no message), so idle workers are drained when nothing waits.
/// </summary>
public sealed class KedaScaledJobPolicy(KedaScaledJobOptions? options = null) : IAutoscalerPolicy
{
    private readonly KedaScaledJobOptions _options = options ?? new KedaScaledJobOptions();

    /// <inheritdoc />
    public string Name => "keda-scaledjob" + (_options.Strategy == ScaledJobStrategy.Default ? string.Empty : ":" + _options.Strategy.ToString().ToLowerInvariant());

    /// <inheritdoc />
    public TimeSpan Interval => _options.PollingInterval;

    /// <inheritdoc />
    public WorkerLifecycle Lifecycle => WorkerLifecycle.Ephemeral;

    /// <inheritdoc />
    public TimeSpan ForecastHorizon => TimeSpan.Zero;

    /// <inheritdoc />
    public AutoscalerDecision Decide(AutoscalerObservation observation)
    {
        var current = observation.CurrentWorkers;
        var pending = observation.Count(WorkerState.Booting);
        double queue = observation.QueueDepth + (_options.QueueLengthIncludesRunning ? observation.RunningJobs : 0);
        var create = ScaledJobCalculator.JobsToCreate(
            _options.Strategy,
            queue,
            _options.TargetAverageValue,
            current,
            pending,
            observation.Pool.MinWorkers,
            observation.Pool.MaxWorkers,
            _options.CustomDeduction,
            _options.CustomRunningPercentage);

        var drain = new List<string>();
        if (observation.QueueDepth == 0)
        {
            var keep = observation.Pool.MinWorkers - (current - observation.Count(WorkerState.Idle));
            foreach (var w in observation.Workers)
            {
                if (w.State == WorkerState.Idle)
                {
                    if (keep > 0)
                    {
                        keep--;
                        continue;
                    }

                    drain.Add(w.WorkerId);
                }
            }
        }

        return new AutoscalerDecision(
            current + create - drain.Count,
            drain,
            $"queue {queue}, running {current}, pending {pending}: create {create}, idle exits {drain.Count}");
    }
}
