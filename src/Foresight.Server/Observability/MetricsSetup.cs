using Prometheus;

namespace Foresight.Server.Observability;

/// <summary>
/// What <c>/metrics</c> carries besides Foresight's own metrics: prometheus-net's process metrics and Orleans' meters
/// (<c>microsoft_orleans_*</c>). The .NET event counters and the runtime's other meters are left out: their
/// names break Prometheus' conventions (<c>promtool check metrics</c> flags <c>*_count</c> gauges) and the
/// dashboards use none of them.
/// </summary>
public static class MetricsSetup
{
    private static int _done;

    /// <summary>Once per process, before the default registry is first used.</summary>
    public static void ConfigureDefaultRegistry()
    {
        if (Interlocked.Exchange(ref _done, 1) == 1)
        {
            return;
        }

        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressEventCounters = true, SuppressMeters = true, SuppressDebugMetrics = true });
        MeterAdapter.StartListening(new MeterAdapterOptions
        {
            InstrumentFilterPredicate = i => i.Meter.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
        });
    }
}
