using Foresight.Abstractions.Scheduling;
using Foresight.Forecasting.Durations;
using Foresight.Grains.Observability;
using Foresight.Grains.Storage;
using Foresight.Scheduling;
using Foresight.Scheduling.Placement;

namespace Foresight.Grains.Scheduling;

/// <summary>
/// Duration estimates and start predictions of a scheduler partition: the estimator named by
/// <see cref="SchedulingSettings.Estimator"/> estimates each attempt when it is queued (the learning placements order
/// by it) and learns from the time between placement and release; predictions replay the queue ahead of a job with
/// <see cref="StartTimeForecast"/> and take their interval from <see cref="StartTimeCalibration"/>, which learns from
/// the predictions made when jobs were queued (while at most <see cref="MaxCalibratedQueue"/> were). The newest
/// <see cref="MaxLearnedRuns"/> runs learned from are stored (<see cref="SchedulerDurations"/>, on the reconcile timer
/// and at deactivation) and replayed into a new <see cref="DurationLearner"/> when the partition activates again, so
/// a restart or a deactivation does not send estimates back to the prior. The durable per-key record is the profile
/// grain's.
/// </summary>
public sealed partial class SchedulerGrain
{
    /// <summary>Queue depth above which an enqueue makes no prediction for calibration (each costs a queue replay).</summary>
    public const int MaxCalibratedQueue = 500;

    /// <summary>Most learned runs kept to rebuild the estimator from after an activation.</summary>
    public const int MaxLearnedRuns = 2_000;

    private readonly IPersistentState<SchedulerDurations> _durationsState;
    private readonly CoalescingWriter _durationsWriter;

    private readonly Dictionary<string, (JobFeatures Features, DurationEstimate Estimate)> _estimates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTimeOffset MadeAt, DateTimeOffset Predicted, (DateTimeOffset From, DateTimeOffset To)? Interval)> _startPredictions = new(StringComparer.Ordinal);
    private readonly StartTimeCalibration _startCalibration = new();
    private SchedulingSettings _scheduling = null!;
    private DurationLearner _durations = null!;

    private void SetUpPredictions(SchedulingSettings scheduling, IReadOnlyList<LearnedDuration> learned)
    {
        _scheduling = scheduling;
        _durations = new DurationLearner(
            scheduling.Estimator,
            MaxLearnedRuns,
            learned.Select((run, i) => (new JobFeatures($"learned#{i}", run.Key, run.Family, run.SubmitAt, run.Cpu, run.MemoryMb, run.Instances, run.QueueDepth), run.Seconds)));
    }

    private Task WriteDurationsAsync()
    {
        _durationsState.State = new SchedulerDurations
        {
            Runs = [.. _durations.TakeRuns().Select(r => new LearnedDuration(r.Features.Key, r.Features.Family, r.Features.SubmitAt, r.Features.Cpu, r.Features.MemoryMb, r.Features.Instances, r.Features.QueueDepth, r.Seconds))],
        };
        return _durationsState.WriteStateAsync();
    }

    public Task<StartPrediction?> PredictStart(JobAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        if (!_queued.TryGetValue(attempt.JobId, out var job) || job.Attempt != attempt.Attempt)
        {
            return Task.FromResult<StartPrediction?>(null);
        }

        var now = _clock.Now;
        if (Predict(job, now) is not { } start)
        {
            return Task.FromResult<StartPrediction?>(null);
        }

        var estimate = _estimates.TryGetValue(job.JobId, out var e) ? e.Estimate : (DurationEstimate?)null;
        var interval = _startCalibration.Interval(now, start.At);
        var p50 = estimate?.P50 ?? _scheduling.UnknownDuration;
        var p10 = estimate is { } lo ? TimeSpan.FromSeconds(lo.P10Seconds) : _scheduling.UnknownDuration;
        var p90 = estimate?.P90 ?? _scheduling.UnknownDuration;
        return Task.FromResult<StartPrediction?>(new StartPrediction(
            now,
            start.At,
            interval?.From,
            interval?.To,
            start.At + p50,
            (interval?.From ?? start.At) + p10,
            (interval?.To ?? start.At) + p90,
            start.Ahead,
            _durations.Estimator.Name));
    }

    /// <summary>The job's demand with its predicted p50 and p90, estimated once per attempt.</summary>
    private JobDemand WithPrediction(QueuedJob job, JobDemand demand)
    {
        if (!_estimates.TryGetValue(job.JobId, out var known) || known.Features.Id != FeatureId(job))
        {
            if (known.Features is { } superseded)
            {
                _durations.Estimator.Forget(superseded.Id);
            }

            var features = new JobFeatures(
                FeatureId(job),
                job.Profile ?? job.JobId,
                string.Join(',', job.Labels.Order(StringComparer.Ordinal)),
                job.EnqueuedAt,
                job.Cpu,
                job.MemoryMb,
                QueueDepth: _pool.QueueDepth);
            known = (features, _durations.Estimate(features));
            _estimates[job.JobId] = known;
        }

        return demand with { PredictedDuration = known.Estimate.P50, PredictedDurationP90 = known.Estimate.P90 };
    }

    /// <summary>Records the start predicted for a job just queued, to calibrate later intervals.</summary>
    private void RecordStartPrediction(QueuedJob job, DateTimeOffset now)
    {
        if (_pool.QueueDepth <= MaxCalibratedQueue && !_startPredictions.ContainsKey(job.JobId) && Predict(job, now) is { } start)
        {
            _startPredictions[job.JobId] = (now, start.At, _startCalibration.Interval(now, start.At));
        }
    }

    /// <summary>A queued job was placed: its recorded prediction's error calibrates the intervals and is exported as the
    /// live accuracy of start predictions (the error, and whether the start fell inside the interval given then).</summary>
    private void StartObserved(string jobId, DateTimeOffset now)
    {
        if (_startPredictions.Remove(jobId, out var prediction))
        {
            _startCalibration.Observe(prediction.MadeAt, prediction.Predicted, now);
            bool? inside = prediction.Interval is { } interval ? now >= interval.From && now <= interval.To : null;
            ForesightMetrics.StartPredictionScored(_poolName, Math.Abs((now - prediction.Predicted).TotalSeconds), inside);
        }
    }

    /// <summary>A placed attempt was released after running since its placement: the estimator learns its duration.</summary>
    private void DurationObserved(PlacedAttempt placed, DateTimeOffset now)
    {
        if (_estimates.Remove(placed.Job.JobId, out var known) && known.Features.Id == FeatureId(placed.Job))
        {
            _durations.Learn(known.Features, (now - placed.PlacedAt).TotalSeconds);
        }
    }

    /// <summary>A job left without running (cancelled, superseded): its estimate and prediction are dropped.</summary>
    private void ForgetPrediction(string jobId)
    {
        if (_estimates.Remove(jobId, out var known))
        {
            _durations.Estimator.Forget(known.Features.Id);
        }

        _startPredictions.Remove(jobId);
    }

    private (DateTimeOffset At, int Ahead)? Predict(QueuedJob job, DateTimeOffset now)
    {
        // While the pool has more idle slots than jobs ahead, the replay below would answer now: skip building it (it
        // costs a dictionary, the lanes and a priority queue per call, on the partition's only activation).
        var aheadCount = 0;
        foreach (var queued in _pool.Queued)
        {
            if (queued.JobId == job.JobId)
            {
                break;
            }

            aheadCount++;
        }

        if (StartTimeForecast.IdleLanesAtLeast(_pool.Workers, _placed.Count, job.Cpu) > aheadCount)
        {
            return (now, aheadCount);
        }

        var running = new Dictionary<string, List<DateTimeOffset>>(StringComparer.Ordinal);
        foreach (var placed in _placed.All)
        {
            if (!running.TryGetValue(placed.WorkerId, out var list))
            {
                running[placed.WorkerId] = list = [];
            }

            var p50 = _estimates.TryGetValue(placed.Job.JobId, out var e) ? e.Estimate.P50 : _scheduling.UnknownDuration;
            list.Add(placed.PlacedAt + p50);
        }

        IReadOnlyList<DateTimeOffset> Finishes(string workerId) => running.TryGetValue(workerId, out var r) ? r.Order().ToList() : [];
        var lanes = StartTimeForecast.Lanes(now, _pool.Workers.Select(w => (w, Finishes(w.WorkerId))), job.Cpu);
        var ahead = _pool.Queued.Take(aheadCount).Select(d => d.PredictedDuration ?? _scheduling.UnknownDuration).ToList();
        return StartTimeForecast.Predict(now, lanes, ahead) is { } at ? (at, ahead.Count) : null;
    }

    private static string FeatureId(QueuedJob job) => $"{job.JobId}#{job.Attempt}";
}
