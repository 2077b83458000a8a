using System.Diagnostics;
using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Events;
using Foresight.Abstractions.Pools;
using Foresight.Abstractions.Scheduling;
using Foresight.Autoscaling;
using Foresight.Autoscaling.Observations;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Foresight.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;
using SchedWorkerState = Foresight.Scheduling.Workers.WorkerState;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// The autoscaler of one pool (key = pool). Thin: it keeps the arrival history and the inputs of the next decision,
/// and leaves every decision to the pool's policy from <see cref="AutoscalerPolicies"/>. Implicitly subscribed to the
/// pool's <c>load</c> and <c>heartbeats</c> streams (so the first event activates it); a keep-alive timer decides on
/// the policy's interval even when the pool is idle, and a reminder brings it back after a silo failure. Each timer (and
/// API) decision reconciles queue depth and workers from the pool's schedulers, since stream events can be lost. A load
/// batch that raises the queue depth the stream shows above what it showed at the last decision starts a decision at
/// once (at most one such per <see cref="EventGap"/> of Foresight's clock), so a burst reaches the provisioner without
/// waiting for the interval; that decision makes no grain call (the stream's queue depth, the previous decision's
/// workers and forecast) and records the time from the batch reaching the grain to the provisioner call.
/// </summary>
[ImplicitStreamSubscription(StreamNames.Load)]
[ImplicitStreamSubscription(StreamNames.Heartbeats)]
public sealed partial class AutoscalerGrain(
    [PersistentState("autoscaler", "models")] IPersistentState<AutoscalerState> state,
    ForesightClock clock,
    IOptions<AutoscalingOptions> options,
    IEnumerable<IProvisioner> provisioners,
    ILogger<AutoscalerGrain> logger) : Grain, IAutoscalerGrain, IStreamSubscriptionObserver, IRemindable
{
    private const int ForecastPointsKept = 12;
    private static readonly TimeSpan WriteEvery = TimeSpan.FromMinutes(1);

    /// <summary>Least time between two decisions started by load batches (timer decisions do not count).</summary>
    public static readonly TimeSpan EventGap = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, int> _streamQueue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HeartbeatEvent> _heartbeats = new(StringComparer.Ordinal);
    private readonly List<TimeSpan> _completedDurations = [];
    private readonly WaitSeries _load = new(TimeSpan.FromMinutes(1), 120);
    private string _pool = "";
    private PoolAutoscaling _settings = null!;
    private IAutoscalerPolicy _policy = null!;
    private IProvisioner _provisioner = null!;
    private TimeSpan _interval;
    private DateTimeOffset _lastDecision;
    private int _arrivals;
    private int _completions;
    private double _meanDurationSeconds;
    private long _durationsSeen;
    private long _lastWrite = long.MinValue;
    private int _lastStreamQueue;
    private DateTimeOffset _lastLoadDecision = DateTimeOffset.MinValue;
    private ArrivalForecastView? _lastAnswer;
    private List<WorkerObservation>? _observed;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _pool = this.GetPrimaryKeyString();
        var o = options.Value;
        _settings = o.For(_pool);
        _policy = _settings.CreatePolicy();
        _provisioner = provisioners.First(p => p.Name == _settings.Provisioner);
        _interval = _settings.Interval ?? _policy.Interval;
        if (state.State.History is null || state.State.History.Differs(o.Forecast.Bucket, o.Forecast.MaxHistoryBuckets))
        {
            state.State.History = ArrivalHistory.Create(o.Forecast.Bucket, o.Forecast.MaxHistoryBuckets);
        }

        _lastDecision = clock.Now;
        this.RegisterGrainTimer(_ => DecideAsync("timer"), new GrainTimerCreationOptions(_interval, _interval) { KeepAlive = true });
        _ = KeepAliveAsync();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => await state.WriteStateAsync();

    public Task Start() => Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        if (handleFactory.StreamId.GetNamespace() == StreamNames.Load)
        {
            await handleFactory.Create<LoadEventBatch>().ResumeAsync((batch, _) => OnLoad(batch));
        }
        else
        {
            await handleFactory.Create<HeartbeatEvent>().ResumeAsync((beat, _) => OnHeartbeat(beat));
        }
    }

    public async Task<AutoscalerDecisionView> DecideNow() => await DecideAsync("api");

    public Task<AutoscalerView> GetView(int decisions = 50)
    {
        var last = state.State.Decisions.Count > 0 ? state.State.Decisions[^1] : null;
        var view = new AutoscalerView(
            _pool, _settings.View(_interval), last?.Current ?? 0, state.State.Desired, state.State.History!.Complete(clock.Now).Counts.Length,
            [.. Enumerable.Reverse(state.State.Decisions).Take(Math.Max(0, decisions))])
        {
            Load = [.. _load.Points().Select(p => new PoolLoadPointView(p.Start, p.Started, p.WaitP50, p.WaitP95, p.QueueDepth))],
        };
        return Task.FromResult(view);
    }

    public Task<ArrivalHistoryView> GetHistory() => Task.FromResult(state.State.History!.Complete(clock.Now));

    private async Task OnLoad(LoadEventBatch batch)
    {
        var received = Stopwatch.GetTimestamp();
        foreach (var e in batch.Events)
        {
            switch (e.Kind)
            {
                case LoadEventKind.Arrival:
                    _arrivals++;
                    break;
                case LoadEventKind.Completed:
                    _completions++;
                    if (e.Duration is { } d)
                    {
                        _completedDurations.Add(d);
                        _durationsSeen++;
                        _meanDurationSeconds += (d.TotalSeconds - _meanDurationSeconds) / Math.Min(_durationsSeen, 100);
                        RememberRunTime(d);
                    }

                    break;
                case LoadEventKind.QueueDepth:
                    _streamQueue[e.Partition] = e.QueueDepth;
                    break;
            }
        }

        try
        {
            // The queue grew since the last decision: decide now rather than at the next tick. The arrival history and
            // the wait series, which this decision does not read, are recorded after it.
            if (_streamQueue.Values.Sum() > _lastStreamQueue && clock.Now - _lastLoadDecision >= EventGap)
            {
                _lastLoadDecision = clock.Now;
                await DecideAsync("load", received);
            }
        }
        finally
        {
            Record(batch);
        }
    }

    private void Record(LoadEventBatch batch)
    {
        foreach (var e in batch.Events)
        {
            switch (e.Kind)
            {
                case LoadEventKind.Arrival:
                    state.State.History!.Add(e.At);
                    break;
                case LoadEventKind.Started when e.Wait is { } wait:
                    _load.AddWait(e.At, wait);
                    break;
            }
        }

        _load.AddQueueDepth(clock.Now, _streamQueue.Values.Sum());
    }

    private Task OnHeartbeat(HeartbeatEvent beat)
    {
        _heartbeats[beat.WorkerId] = beat;
        return Task.CompletedTask;
    }

    private async Task<AutoscalerDecisionView> DecideAsync(string trigger, long? triggeredAt = null)
    {
        var now = clock.Now;
        // A decision a load batch started makes no grain call before the provisioner: it decides on the queue depth the
        // stream shows (the batch just raised it) and on the workers and forecast of the previous decision, which the
        // timer makes every interval from the schedulers and the prediction grain (a forecast's buckets are minutes long).
        var horizon = AutoscalerPolicies.IsForecasting(_settings.Policy) ? PolicyHorizon() : (TimeSpan?)null;
        var held = trigger == "load" && _observed is { } workers && (horizon is null || _lastAnswer is not null) ? workers : null;
        var (observation, answer) = held is not null
            ? (Observation(now, _streamQueue.Values.Sum(), WithBooting(held, now), _lastAnswer, [.. _completedDurations]), _lastAnswer)
            : await ObserveAsync(now, horizon, [.. _completedDurations]);
        _lastAnswer = answer;

        var queue = observation.QueueDepth;
        var decision = _policy.Decide(observation);
        var current = observation.CurrentWorkers;
        var desired = _settings.Limits.Clamp(decision.DesiredWorkers);
        var direction = desired > current ? "up" : desired < current ? "down" : "hold";
        var reason = answer is null ? decision.Reason : $"{decision.Reason} [forecast: {answer.Source}]";
        string actuation;
        double? latencyMs = null;
        try
        {
            if (desired == state.State.Actuated && current == desired)
            {
                actuation = "unchanged";
            }
            else
            {
                latencyMs = triggeredAt is { } t ? Stopwatch.GetElapsedTime(t).TotalMilliseconds : null;
                actuation = await _provisioner.ScaleAsync(_pool, current, desired, decision.Drain, CancellationToken.None);
            }

            state.State.Actuated = desired;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            actuation = $"{_provisioner.Name} failed: {e.GetType().Name}: {e.Message}";
            LogActuationFailed(logger, e, _pool);
        }

        var record = new AutoscalerDecisionView(
            now, current, desired, direction, reason, _policy.Name, queue, answer?.Source,
            answer is null ? [] : [.. answer.Arrivals.Take(ForecastPointsKept)], _provisioner.Name, actuation, trigger, latencyMs);
        state.State.Desired = desired;
        state.State.Decisions.Add(record);
        if (state.State.Decisions.Count > options.Value.DecisionsKept)
        {
            state.State.Decisions.RemoveRange(0, state.State.Decisions.Count - options.Value.DecisionsKept);
        }

        _arrivals = 0;
        _completions = 0;
        _completedDurations.Clear();
        _lastDecision = now;
        _lastStreamQueue = _streamQueue.Values.Sum();
        AutoscalingMetrics.Decided(_pool, record, answer, _settings.Limits);

        // The state (two weeks of buckets, the last decisions) is written at most once a minute of real time, and on
        // deactivation: a silo failure loses at most that much of the history.
        if (_lastWrite == long.MinValue || Environment.TickCount64 - _lastWrite >= WriteEvery.TotalMilliseconds)
        {
            _lastWrite = Environment.TickCount64;
            await state.WriteStateAsync();
        }

        return record;
    }

    /// <summary>Queue depth and workers from the pool's schedulers; the stream's latest figures when they do not answer.</summary>
    private async Task<(int Queue, List<WorkerObservation> Workers)> ReconcileAsync(DateTimeOffset now)
    {
        var workers = new List<WorkerObservation>();
        try
        {
            var partitions = (await GrainFactory.GetGrain<IPoolDirectoryGrain>(IPoolDirectoryGrain.Key).GetPartitions())
                .Where(p => PoolPartitions.PoolOf(p) == _pool)
                .ToList();
            var snapshots = await Task.WhenAll(partitions.Select(p => GrainFactory.GetGrain<ISchedulerGrain>(p).GetState()));
            foreach (var w in snapshots.SelectMany(s => s.Workers).DistinctBy(w => w.WorkerId))
            {
                var stateNow = !w.Accepting ? WorkerState.Draining : w.RunningJobs > 0 ? WorkerState.Busy : WorkerState.Idle;
                workers.Add(new WorkerObservation(w.WorkerId, stateNow, w.RunningJobs, w.RunningJobs > 0 ? 1 : 0, now));
            }

            _observed = workers;
            return (snapshots.Sum(s => s.QueueDepth), WithBooting(workers, now));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReconcileFailed(logger, e, _pool);
            foreach (var beat in _heartbeats.Values.Where(b => now - b.At < 3 * _interval && b.State is not (SchedWorkerState.Offline or SchedWorkerState.Unhealthy)))
            {
                var s = beat.State == SchedWorkerState.Draining ? WorkerState.Draining : beat.RunningJobs > 0 ? WorkerState.Busy : WorkerState.Idle;
                workers.Add(new WorkerObservation(beat.WorkerId, s, beat.RunningJobs, beat.RunningJobs > 0 ? 1 : 0, beat.At));
            }

            _observed = workers;
            return (_streamQueue.Values.Sum(), workers);
        }
    }

    /// <summary><paramref name="workers"/> and the workers that heartbeat but are not with a scheduler yet: booting.</summary>
    private List<WorkerObservation> WithBooting(List<WorkerObservation> workers, DateTimeOffset now)
    {
        var all = new List<WorkerObservation>(workers);
        foreach (var beat in _heartbeats.Values.Where(b => b.State == SchedWorkerState.Registering && now - b.At < 3 * _interval))
        {
            if (all.All(w => w.WorkerId != beat.WorkerId))
            {
                all.Add(new WorkerObservation(beat.WorkerId, WorkerState.Booting, 0, 0, beat.At));
            }
        }

        return all;
    }

    /// <summary>
    /// The observation a decision is made on: queue and workers reconciled from the schedulers, the arrival forecast over
    /// <paramref name="horizon"/> (none when null), and <paramref name="durations"/> as the completed run times. The
    /// schedulers and the forecast are asked in parallel.
    /// </summary>
    private async Task<(AutoscalerObservation Observation, ArrivalForecastView? Answer)> ObserveAsync(
        DateTimeOffset now, TimeSpan? horizon, IReadOnlyList<TimeSpan> durations)
    {
        var reconciling = ReconcileAsync(now);
        var forecasting = horizon is not { } h ? Task.FromResult<ArrivalForecastView?>(null) : ForecastOrNullAsync(h);
        var (queue, workers) = await reconciling;
        var answer = await forecasting;
        return (Observation(now, queue, workers, answer, durations), answer);
    }

    private AutoscalerObservation Observation(
        DateTimeOffset now, int queue, List<WorkerObservation> workers, ArrivalForecastView? answer, IReadOnlyList<TimeSpan> durations) =>
        new(now, _settings.Limits, workers, queue, new Resources(queue, 0), workers.Sum(w => w.RunningJobs), _arrivals, _completions,
            now - _lastDecision, answer is null ? null : ToLoadForecast(answer), durations);

    private TimeSpan PolicyHorizon() => _policy.ForecastHorizon > TimeSpan.Zero ? _policy.ForecastHorizon : _settings.Settings.BootDelay + _interval;

    private async Task<ArrivalForecastView?> ForecastOrNullAsync(TimeSpan horizon) => await ForecastAsync(horizon);

    private async Task<ArrivalForecastView> ForecastAsync(TimeSpan horizon)
    {
        try
        {
            return await GrainFactory.GetGrain<IPredictionGrain>(0).Forecast(_pool, horizon);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var history = state.State.History!.Complete(clock.Now);
            return new ArrivalForecastView(_pool, [], 0, history.Bucket, history.Start, "none", null, $"fallback: prediction failed ({e.GetType().Name})");
        }
    }

    private LoadForecast ToLoadForecast(ArrivalForecastView answer)
    {
        if (answer.Arrivals.Count == 0)
        {
            return LoadForecast.Missing(answer.Source);
        }

        var arrivals = answer.Arrivals.Select(p => new ForecastPoint(p.At, p.Mean, p.Lower, p.Upper)).ToList();
        var d = _meanDurationSeconds;
        var points = d > 0 ? arrivals.Select(p => new ForecastPoint(p.At, p.Mean * d, p.Lower * d, p.Upper * d)).ToList() : [];
        return new LoadForecast(points, answer.Level)
        {
            Arrivals = arrivals,
            Bucket = answer.Bucket,
            FittedThrough = answer.FittedThrough,
            Model = answer.Model,
            Note = answer.IsFallback ? answer.Source : null,
        };
    }

    private async Task KeepAliveAsync()
    {
        try
        {
            var period = TimeSpan.FromMinutes(Math.Max(1, _interval.TotalMinutes));
            await this.RegisterOrUpdateReminder("keep-alive", period, period);
            await GrainFactory.GetGrain<IModelGrain>(IModelGrain.LoadKey(_pool)).Start();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogKeepAliveFailed(logger, e, _pool);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Autoscaler {Pool}: the provisioner failed")]
    private static partial void LogActuationFailed(ILogger logger, Exception exception, string pool);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Autoscaler {Pool}: schedulers did not answer; deciding from stream figures")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string pool);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Autoscaler {Pool}: keep-alive reminder or model retraining not registered")]
    private static partial void LogKeepAliveFailed(ILogger logger, Exception exception, string pool);
}

/// <summary>The state of an <see cref="AutoscalerGrain"/> (storage <c>models</c>): history, desired count, last decisions.</summary>
[GenerateSerializer]
public sealed class AutoscalerState
{
    [Id(0)] public ArrivalHistory? History { get; set; }

    [Id(1)] public List<AutoscalerDecisionView> Decisions { get; set; } = [];

    [Id(2)] public int Desired { get; set; }

    /// <summary>The count last handed to the provisioner.</summary>
    [Id(3)] public int? Actuated { get; set; }
}
