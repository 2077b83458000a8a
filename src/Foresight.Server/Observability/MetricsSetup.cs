using System.Diagnostics.Metrics;
using Prometheus;

namespace Foresight.Server.Observability;

/// <summary>
/// What <c>/metrics</c> carries besides Foresight's own metrics: prometheus-net's process metrics and Orleans' meters
/// (<c>microsoft_orleans_*</c>) except those recorded on every grain call (<see cref="IsPerCall"/>). The .NET event
/// counters and the runtime's other meters are left out: their names break Prometheus' conventions (<c>promtool check
/// metrics</c> flags <c>*_count</c> gauges) and the dashboards use none of them.
/// </summary>
public static class MetricsSetup
{
    private static int _done;

    /// <summary>
    /// Orleans instruments recorded on every grain call: the directory lookups (several per call) and the application
    /// request latency. prometheus-net's meter adapter leases a labelled child for each measurement, which on a busy
    /// silo costs more than the call's own bookkeeping; Foresight's metrics already give the gateway's request times and
    /// the storage writes, so these are not exported.
    /// </summary>
    public static bool IsPerCall(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return instrument.Name.StartsWith("orleans-directory-lookups-", StringComparison.Ordinal)
            || instrument.Name == "orleans-app-requests-latency";
    }

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
            InstrumentFilterPredicate = i => i.Meter.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && !IsPerCall(i),
        });
    }
}
