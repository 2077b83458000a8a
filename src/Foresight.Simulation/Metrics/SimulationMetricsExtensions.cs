namespace Foresight.Simulation.Metrics;

/// <summary>Helpers over <see cref="SimulationMetrics"/>.</summary>
public static class SimulationMetricsExtensions
{
    /// <summary>The reported wait percentile closest to <paramref name="quantile"/> (p50, p95 or p99).</summary>
    public static double WaitAtQuantile(this SimulationMetrics metrics, double quantile) => quantile switch
    {
        <= 0.5 => metrics.WaitP50,
        <= 0.95 => metrics.WaitP95,
        _ => metrics.WaitP99,
    };
}
