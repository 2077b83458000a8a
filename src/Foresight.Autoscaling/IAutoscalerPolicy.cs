using Foresight.Autoscaling.Decisions;
using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling;

/// <summary>
/// Decides how many workers a pool should have. Pure apart from the policy's own memory (stabilization windows,
/// cooldown clocks): the same sequence of observations gives the same decisions. The AutoscalerGrain calls it on a
/// timer with observations built from grain state; the simulator calls it on virtual time.
/// </summary>
public interface IAutoscalerPolicy
{
    /// <summary>Short name used in reports, e.g. <c>hpa</c> or <c>keda-scaledjob:accurate</c>.</summary>
    string Name { get; }

    /// <summary>How often the policy wants to be evaluated (HPA sync period, KEDA polling interval, ...).</summary>
    TimeSpan Interval { get; }

    /// <summary>Whether the workers this policy creates serve many jobs or exactly one (ephemeral runners).</summary>
    WorkerLifecycle Lifecycle { get; }

    /// <summary>How far ahead the policy wants a load forecast; <see cref="TimeSpan.Zero"/> when it uses none.</summary>
    TimeSpan ForecastHorizon { get; }

    /// <summary>Returns the desired worker count and the workers to drain, given what the pool looks like now.</summary>
    AutoscalerDecision Decide(AutoscalerObservation observation);
}
