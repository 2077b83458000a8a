using Foresight.Autoscaling.Observations;

namespace Foresight.Autoscaling.Keda;

/// <summary>The metric of a KEDA trigger other than the queue: what an external scaler answers in <c>GetMetrics</c>.</summary>
public interface IKedaMetricSource
{
    /// <summary>Name of the ScaledObject policy driven by this metric, e.g. <c>keda-foresight</c>.</summary>
    string Name { get; }

    /// <summary>How far ahead the metric wants a load forecast; <see cref="TimeSpan.Zero"/> when it uses none.</summary>
    TimeSpan ForecastHorizon { get; }

    /// <summary>The metric's value for <paramref name="observation"/>, and a short name of where it came from.</summary>
    (double Value, string Source) Metric(AutoscalerObservation observation);
}
