using System.Collections.Concurrent;
using Foresight.Scheduling.Jobs;
using Foresight.Scheduling.Workers;
using Prometheus;

namespace Foresight.Grains.Observability;

/// <summary>
/// Foresight's Prometheus metrics (prometheus-net, default registry; the server serves them at <c>/metrics</c>).
/// Process-wide: several silos in one process (tests) add up. Names follow Prometheus' conventions (base units,
/// <c>_total</c> counters, labels bounded by pools and states, never job ids); docs/metrics.md is the catalogue.
/// </summary>
public static class ForesightMetrics
{
    private static readonly double[] WaitBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private static readonly double[] RunBuckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

    private static readonly double[] StorageBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private static readonly Counter JobTransitions = Metrics.CreateCounter(
        "foresight_job_transitions_total", "Jobs entering each state, per pool", "pool", "state");

    private static readonly Gauge Jobs = Metrics.CreateGauge(
        "foresight_jobs", "Jobs by pool and state, as seen by the job activations of this process", "pool", "state");

    private static readonly Histogram Wait = Metrics.CreateHistogram(
        "foresight_job_wait_seconds", "Queue wait from enqueue to placement, per pool",
        new HistogramConfiguration { LabelNames = ["pool"], Buckets = WaitBuckets });

    private static readonly Histogram Run = Metrics.CreateHistogram(
        "foresight_job_run_duration_seconds", "Run time of finished attempts from claim to result, per pool and final state",
        new HistogramConfiguration { LabelNames = ["pool", "state"], Buckets = RunBuckets });

    private static readonly Histogram SchedulingLatency = Metrics.CreateHistogram(
        "foresight_scheduling_latency_seconds", "Time one dispatch pass of a scheduler takes (queue scan and placement)",
        new HistogramConfiguration { LabelNames = ["pool"], Buckets = WaitBuckets });

    private static readonly Histogram StartPredictionError = Metrics.CreateHistogram(
        "foresight_job_start_prediction_error_seconds",
        "Absolute error of the start predicted for a job when it was queued, measured when it started, per pool",
        new HistogramConfiguration { LabelNames = ["pool"], Buckets = WaitBuckets });

    private static readonly Counter StartPredictions = Metrics.CreateCounter(
        "foresight_job_start_predictions_total",
        "Jobs whose start was predicted when queued, by whether the start fell inside the interval given then (hit, miss; none: no interval yet), per pool",
        "pool", "interval");

    private static readonly Gauge QueueDepth = Metrics.CreateGauge(
        "foresight_queue_depth", "Jobs waiting in scheduler queues, per pool", "pool");

    private static readonly Gauge OldestWait = Metrics.CreateGauge(
        "foresight_queue_oldest_wait_seconds", "Age of the oldest job waiting in the pool's queues (0 when none waits)", "pool");

    private static readonly Gauge Workers = Metrics.CreateGauge(
        "foresight_workers", "Workers by pool and lifecycle state", "pool", "state");

    private static readonly Counter HeartbeatsMissed = Metrics.CreateCounter(
        "foresight_worker_heartbeats_missed_total", "Workers declared Unhealthy because no heartbeat came within the timeout, per pool", "pool");

    private static readonly Histogram StorageWrite = Metrics.CreateHistogram(
        "foresight_storage_write_duration_seconds", "Time one grain state write takes, per storage name",
        new HistogramConfiguration { LabelNames = ["storage"], Buckets = StorageBuckets });

    private static readonly Counter StorageWriteErrors = Metrics.CreateCounter(
        "foresight_storage_write_errors_total", "Grain state writes that failed (conflicts included), per storage name", "storage");

    private static readonly Counter CoalescedCalls = Metrics.CreateCounter(
        "foresight_coalesced_calls_total", "Calls a silo's job grains shared (see SiloHandOffs), per call: observe", "call");

    private static readonly Counter CoalescedItems = Metrics.CreateCounter(
        "foresight_coalesced_items_total", "Items (profile runs) those calls carried, per call", "call");

    private static readonly LabelledChildren<Counter.Child, JobState> JobTransitionsOf = new(JobTransitions);

    private static readonly LabelledChildren<Gauge.Child, JobState> JobsOf = new(Jobs);

    private static readonly LabelledChildren<Histogram.Child, JobState> RunOf = new(Run);

    private static readonly LabelledChildren<Histogram.Child> WaitOf = new(Wait);

    private static readonly LabelledChildren<Histogram.Child> SchedulingLatencyOf = new(SchedulingLatency);

    private static readonly LabelledChildren<Gauge.Child> QueueDepthOf = new(QueueDepth);

    private static readonly LabelledChildren<Histogram.Child> StorageWriteOf = new(StorageWrite);

    private static readonly LabelledChildren<Counter.Child> StorageWriteErrorsOf = new(StorageWriteErrors);

    private static readonly LabelledChildren<Gauge.Child, WorkerState> WorkersOf = new(Workers);

    private static readonly LabelledChildren<Counter.Child> HeartbeatsMissedOf = new(HeartbeatsMissed);

    /// <summary>The oldest enqueue time of each scheduler partition's queue (null: empty), keyed by pool and partition.</summary>
    private static readonly ConcurrentDictionary<(string Pool, string Partition), DateTimeOffset?> Oldest = new();

    static ForesightMetrics() => Metrics.DefaultRegistry.AddBeforeCollectCallback(UpdateOldestWait);

    /// <summary>Observed by tests and benchmarks: every job state entered, in this process.</summary>
    public static event Action<JobState>? JobStateEntered;

    /// <summary>Observed by tests and benchmarks: every queue wait recorded, in this process.</summary>
    public static event Action<TimeSpan>? WaitRecorded;

    /// <summary>The clock <c>foresight_queue_oldest_wait_seconds</c> is computed with at scrape time.</summary>
    public static TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>A job predicted when queued started: the absolute error and whether it started inside the interval (null: none given).</summary>
    public static void StartPredictionScored(string pool, double absoluteErrorSeconds, bool? insideInterval)
    {
        StartPredictionError.WithLabels(pool).Observe(absoluteErrorSeconds);
        StartPredictions.WithLabels(pool, insideInterval switch { true => "hit", false => "miss", null => "none" }).Inc();
    }

    /// <summary>Makes a pool's series exist at zero before its first job, so dashboards and alerts see the pool at once.</summary>
    public static void PoolSeen(string pool)
    {
        QueueDepth.WithLabels(pool).Inc(0);
        Wait.WithLabels(pool);
        foreach (var state in Enum.GetValues<JobState>())
        {
            JobTransitions.WithLabels(pool, state.ToString());
        }
    }

    public static void JobEntered(string pool, JobState from, JobState state)
    {
        JobTransitionsOf.Of(pool, state).Inc();
        if (from != JobState.Pending)
        {
            JobsOf.Of(pool, from).Dec();
        }

        JobsOf.Of(pool, state).Inc();
        JobStateEntered?.Invoke(state);
    }

    public static void JobRan(string pool, JobState final, TimeSpan ran) => RunOf.Of(pool, final).Observe(Math.Max(0, ran.TotalSeconds));

    public static void Waited(string pool, TimeSpan wait)
    {
        WaitOf.Of(pool).Observe(wait.TotalSeconds);
        WaitRecorded?.Invoke(wait);
    }

    /// <summary>A coalesced call was sent with <paramref name="items"/> items.</summary>
    public static void CallCoalesced(string call, int items)
    {
        CoalescedCalls.WithLabels(call).Inc();
        CoalescedItems.WithLabels(call).Inc(items);
    }

    /// <summary>The coalesced calls of one kind sent so far in this process, and the items they carried.</summary>
    public static (double Calls, double Items) Coalesced(string call) =>
        (CoalescedCalls.WithLabels(call).Value, CoalescedItems.WithLabels(call).Value);

    public static void Scheduled(string pool, TimeSpan elapsed) => SchedulingLatencyOf.Of(pool).Observe(elapsed.TotalSeconds);

    public static void QueueChanged(string pool, int delta)
    {
        if (delta != 0)
        {
            QueueDepthOf.Of(pool).Inc(delta);
        }
    }

    /// <summary>The oldest enqueue time in one scheduler partition's queue; null when the queue is empty.</summary>
    public static void QueueOldest(string pool, string partition, DateTimeOffset? oldestEnqueuedAt) => Oldest[(pool, partition)] = oldestEnqueuedAt;

    public static void WorkerMoved(string pool, WorkerState? from, WorkerState? to)
    {
        // The pool's missed-heartbeat counter exists at zero from its first worker on (increase() needs a first sample).
        HeartbeatsMissedOf.Of(pool);
        if (from == to)
        {
            return;
        }

        if (from is { } f)
        {
            WorkersOf.Of(pool, f).Dec();
        }

        if (to is { } t)
        {
            WorkersOf.Of(pool, t).Inc();
        }
    }

    public static void HeartbeatMissed(string pool) => HeartbeatsMissedOf.Of(pool).Inc();

    public static void StorageWritten(string storage, TimeSpan elapsed, bool failed)
    {
        StorageWriteOf.Of(storage).Observe(elapsed.TotalSeconds);
        var errors = StorageWriteErrorsOf.Of(storage);
        if (failed)
        {
            errors.Inc();
        }
    }

    private static void UpdateOldestWait()
    {
        var now = Clock.GetUtcNow();
        foreach (var pool in Oldest.GroupBy(p => p.Key.Pool))
        {
            var oldest = pool.Select(p => p.Value).Where(v => v is not null).Min();
            OldestWait.WithLabels(pool.Key).Set(oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0);
        }
    }
}
