using Foresight.Scheduling.Jobs;
using Foresight.Scheduling.Workers;
using Prometheus;

namespace Foresight.Grains.Observability;

/// <summary>
/// Foresight's Prometheus metrics (prometheus-net, default registry; the server serves them at <c>/metrics</c>).
/// Process-wide: several silos in one process (tests) add up.
/// </summary>
public static class ForesightMetrics
{
    private static readonly double[] WaitBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private static readonly Counter JobTransitions = Metrics.CreateCounter(
        "foresight_job_transitions_total", "Jobs entering each state", "state");

    private static readonly Gauge Jobs = Metrics.CreateGauge(
        "foresight_jobs", "Jobs by state, as seen by the job activations of this process", "state");

    private static readonly Histogram Wait = Metrics.CreateHistogram(
        "foresight_job_wait_seconds", "Queue wait from enqueue to placement", new HistogramConfiguration { LabelNames = ["pool"], Buckets = WaitBuckets });

    private static readonly Histogram SchedulingLatency = Metrics.CreateHistogram(
        "foresight_scheduling_latency_seconds", "Time one dispatch pass of a scheduler takes (queue scan and placement)",
        new HistogramConfiguration { LabelNames = ["pool"], Buckets = WaitBuckets });

    private static readonly Gauge QueueDepth = Metrics.CreateGauge(
        "foresight_queue_depth", "Jobs waiting in scheduler queues", "pool");

    private static readonly Gauge Workers = Metrics.CreateGauge(
        "foresight_workers", "Workers by lifecycle state", "state");

    /// <summary>Observed by tests and benchmarks: every job state entered, in this process.</summary>
    public static event Action<JobState>? JobStateEntered;

    /// <summary>Observed by tests and benchmarks: every queue wait recorded, in this process.</summary>
    public static event Action<TimeSpan>? WaitRecorded;

    public static void JobEntered(JobState from, JobState state)
    {
        JobTransitions.WithLabels(state.ToString()).Inc();
        if (from != JobState.Pending)
        {
            Jobs.WithLabels(from.ToString()).Dec();
        }

        Jobs.WithLabels(state.ToString()).Inc();
        JobStateEntered?.Invoke(state);
    }

    public static void Waited(string pool, TimeSpan wait)
    {
        Wait.WithLabels(pool).Observe(wait.TotalSeconds);
        WaitRecorded?.Invoke(wait);
    }

    public static void Scheduled(string pool, TimeSpan elapsed) => SchedulingLatency.WithLabels(pool).Observe(elapsed.TotalSeconds);

    public static void QueueChanged(string pool, int delta)
    {
        if (delta != 0)
        {
            QueueDepth.WithLabels(pool).Inc(delta);
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
            Workers.WithLabels(f.ToString()).Dec();
        }

        if (to is { } t)
        {
            Workers.WithLabels(t.ToString()).Inc();
        }
    }
}
