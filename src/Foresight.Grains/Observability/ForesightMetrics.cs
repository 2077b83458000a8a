using System.Diagnostics.Metrics;
using Foresight.Scheduling.Jobs;
using Foresight.Scheduling.Workers;

namespace Foresight.Grains.Observability;

/// <summary>
/// Foresight's metrics as .NET instruments (meter <c>Foresight</c>); the server exports them in Prometheus format
/// (prometheus-net publishes .NET meters), e.g. <c>foresight_jobs_transitions_total</c>.
/// </summary>
public static class ForesightMetrics
{
    public const string MeterName = "Foresight";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> JobTransitions = Meter.CreateCounter<long>(
        "foresight.jobs.transitions", description: "Jobs entering each state");

    private static readonly Histogram<double> Wait = Meter.CreateHistogram<double>(
        "foresight.job.wait", unit: "s", description: "Queue wait from enqueue to placement, per pool");

    private static readonly Histogram<double> SchedulingLatency = Meter.CreateHistogram<double>(
        "foresight.scheduling.latency", unit: "s", description: "Time a scheduler spends handling one enqueue batch up to its placements");

    private static readonly UpDownCounter<long> QueueDepth = Meter.CreateUpDownCounter<long>(
        "foresight.queue.depth", description: "Jobs waiting in scheduler queues, per pool");

    private static readonly UpDownCounter<long> Workers = Meter.CreateUpDownCounter<long>(
        "foresight.workers", description: "Workers by lifecycle state");

    public static void JobEntered(JobState state) =>
        JobTransitions.Add(1, new KeyValuePair<string, object?>("state", state.ToString()));

    public static void Waited(string pool, TimeSpan wait) =>
        Wait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("pool", pool));

    public static void Scheduled(string pool, TimeSpan elapsed) =>
        SchedulingLatency.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("pool", pool));

    public static void QueueChanged(string pool, int delta)
    {
        if (delta != 0)
        {
            QueueDepth.Add(delta, new KeyValuePair<string, object?>("pool", pool));
        }
    }

    public static void WorkerMoved(WorkerState? from, WorkerState? to)
    {
        if (from == to)
        {
            return;
        }

        if (from is { } f)
        {
            Workers.Add(-1, new KeyValuePair<string, object?>("state", f.ToString()));
        }

        if (to is { } t)
        {
            Workers.Add(1, new KeyValuePair<string, object?>("state", t.ToString()));
        }
    }
}
