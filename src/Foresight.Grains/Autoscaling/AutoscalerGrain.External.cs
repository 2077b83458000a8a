using Foresight.Abstractions.Autoscaling;
using Foresight.Autoscaling.External;
using Foresight.Autoscaling.Observations;
using Foresight.Scheduling;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// What the AutoscalerGrain answers external autoscalers (KEDA's external scaler, the forecast service) and the
/// ingestion of arrivals counted outside Foresight. The previews build the observation exactly as a decision does
/// and leave the decision to <see cref="ScalerQuery"/>; nothing is recorded or actuated. Asked about the pool's own
/// state, the answer is held by a <see cref="FallbackHold"/> while there is no usable forecast, as the simulator's
/// <see cref="PredictiveMetricSource"/> does.
/// </summary>
public sealed partial class AutoscalerGrain
{
    // Run times of the latest completions: a fresh policy in a preview learns the mean run time from them.
    private const int RunTimesKept = 1000;
    private readonly Queue<TimeSpan> _recentRunTimes = new();

    // The metrics external autoscalers ask for, each with its hold; callers ask for a few (policy, horizon, quantile).
    private const int HoldsKept = 64;
    private readonly Dictionary<(string Policy, TimeSpan Horizon, double Quantile), FallbackHold> _holds = [];

    public async Task<AutoscalerPreview> Preview(AutoscalerPreviewRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = _settings.Settings with { Predictive = _settings.Settings.Predictive with { Interval = _interval } };
        var horizon = request.Horizon ?? settings.BootDelay + _interval;
        var now = clock.Now;
        var (observation, answer) = await ObserveAsync(now, horizon, [.. _recentRunTimes]);
        var given = request.QueueDepth is not null || request.RunningJobs is not null || request.CurrentWorkers is not null;
        if (given)
        {
            observation = WithState(observation, request);
        }

        var result = ScalerQuery.Evaluate(request.Policy, ScalerQuery.ForHorizon(settings, horizon), observation, request.Quantile);
        if (!given)
        {
            // The pool's own state: while there is no usable forecast, the answer holds the last minutes' highest.
            var held = Hold(result.Policy, horizon, request.Quantile).Apply(now, result.Desired, result.Fallback);
            if (held > result.Desired)
            {
                result = result with
                {
                    Desired = held,
                    Reason = $"{result.Reason}; held at {held} workers, the highest answer of the last {FallbackHold.DefaultWindow.TotalSeconds:0} s without a usable forecast",
                };
            }
        }

        return new AutoscalerPreview(
            _pool, result.Policy, result.Desired, observation.CurrentWorkers, observation.QueueDepth, observation.RunningJobs, result.Reason,
            result.Fallback, result.PredictedQueue, horizon, request.Quantile, answer?.Source ?? "none", answer?.ModelVersion);
    }

    /// <summary>The fallback hold of one metric this grain serves (policy, horizon, quantile); at most <see cref="HoldsKept"/> are kept.</summary>
    private FallbackHold Hold(string policy, TimeSpan horizon, double quantile)
    {
        var key = (policy, horizon, quantile);
        if (!_holds.TryGetValue(key, out var hold))
        {
            if (_holds.Count >= HoldsKept)
            {
                _holds.Clear();
            }

            _holds[key] = hold = new FallbackHold();
        }

        return hold;
    }

    public Task<ArrivalsRecorded> RecordArrivals(IReadOnlyList<ArrivalCount> arrivals)
    {
        ArgumentNullException.ThrowIfNull(arrivals);
        double counted = 0, tooOld = 0;
        foreach (var a in arrivals)
        {
            if (!(a.Count > 0) || !double.IsFinite(a.Count))
            {
                continue;
            }

            if (state.State.History!.Add(a.At, a.Count))
            {
                counted += a.Count;
                if (a.At >= _lastDecision)
                {
                    _arrivals += (int)Math.Round(a.Count);
                }
            }
            else
            {
                tooOld += a.Count;
            }
        }

        return Task.FromResult(new ArrivalsRecorded(_pool, counted, tooOld, state.State.History!.Complete(clock.Now).Counts.Length));
    }

    public Task<PoolLoadFacts> GetLoadFacts()
    {
        var mean = _recentRunTimes.Count == 0 ? 0 : _recentRunTimes.Average(d => d.TotalSeconds);
        var limits = _settings.Limits;
        var slots = Math.Max(1, limits.JobSlotsPerWorker);
        return Task.FromResult(new PoolLoadFacts(
            mean, _durationsSeen, limits.MaxWorkers, _settings.Settings.BootDelay + _interval, limits.WorkerCapacity.Cpu / slots,
            (double)limits.WorkerCapacity.MemoryMb / slots));
    }

    private void RememberRunTime(TimeSpan duration)
    {
        _recentRunTimes.Enqueue(duration);
        if (_recentRunTimes.Count > RunTimesKept)
        {
            _recentRunTimes.Dequeue();
        }
    }

    /// <summary>The observation with the caller's queue, running jobs and workers (each running job on a worker of its own).</summary>
    private static AutoscalerObservation WithState(AutoscalerObservation o, AutoscalerPreviewRequest r)
    {
        var queue = r.QueueDepth ?? o.QueueDepth;
        var running = r.RunningJobs ?? o.RunningJobs;
        var workers = r.CurrentWorkers is { } n
            ? [.. Enumerable.Range(0, n).Select(i => new WorkerObservation($"given-{i}", i < running ? WorkerState.Busy : WorkerState.Idle, i < running ? 1 : 0, i < running ? 1 : 0, o.Now))]
            : o.Workers;
        return o with { QueueDepth = queue, QueuedDemand = new Resources(queue, 0), RunningJobs = running, Workers = workers };
    }
}
