using Foresight.Abstractions.Events;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Pools;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Foresight.Grains.Storage;
using Foresight.Scheduling;
using Foresight.Scheduling.Jobs;
using Foresight.Scheduling.Placement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Orleans.Streams;

namespace Foresight.Grains.Scheduling;

/// <summary>
/// The scheduler of one pool partition. Thin on purpose: queueing, aging and placement are the pure
/// <see cref="PoolScheduler"/>; this grain keeps it fed, persists enough to rebuild it after a failure (coalesced
/// writes; the queue in segments, <see cref="QueueSegments"/>, so a write carries what changed), hands placements to workers without waiting on them, publishes batched load events, and reconciles
/// its view with job and worker grains on a timer because hand-offs can be lost when a silo dies.
/// </summary>
[Reentrant]
public sealed partial class SchedulerGrain : Grain, ISchedulerGrain
{
    private const int MaxBufferedEvents = 2_000;
    private const string StorageName = "jobs";
    private readonly IPersistentState<SchedulerState> _state;
    private readonly IPersistentState<SchedulerWorkers> _workersState;
    private readonly ForesightClock _clock;
    private readonly ForesightOptions _options;
    private readonly ILogger<SchedulerGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly CoalescingWriter _workersWriter;
    private readonly Dictionary<string, QueuedJob> _queued = new(StringComparer.Ordinal);
    private readonly SortedSet<(DateTimeOffset EnqueuedAt, string JobId)> _queuedByAge = [];
    private readonly Dictionary<string, QueuedJob> _delayed = new(StringComparer.Ordinal);
    private WorkerRegistrations _workers = null!;
    private QueueSegments _queue = null!;
    private PlacedSegments _placed = null!;
    private readonly Dictionary<string, IWorkerGrain> _workerGrains = new(StringComparer.Ordinal);
    private readonly List<LoadEvent> _events = [];
    private PoolScheduler _pool = null!;
    private IAsyncStream<LoadEventBatch>? _stream;
    private string _partition = "";
    private string _poolName = "";
    private long _placements;
    private bool _reconciling;
    private bool _dispatchRequested;
    private bool _announced;
    private IGrainTimer? _retryTimer;
    private DateTimeOffset _retryTimerDue;
    private bool _releasedSinceWrite;

    public SchedulerGrain(
        [PersistentState("scheduler", StorageName)] IPersistentState<SchedulerState> state,
        [PersistentState("scheduler-workers", StorageName)] IPersistentState<SchedulerWorkers> workers,
        [PersistentState("scheduler-durations", StorageName)] IPersistentState<SchedulerDurations> durations,
        ForesightClock clock,
        IOptions<ForesightOptions> options,
        ILogger<SchedulerGrain> logger)
    {
        _state = state;
        _workersState = workers;
        _durationsState = durations;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        _writer = new CoalescingWriter(() => WriteOrRestartAsync(WriteSnapshotAsync));
        _workersWriter = new CoalescingWriter(() => WriteOrRestartAsync(WriteWorkersAsync));
        _durationsWriter = new CoalescingWriter(() => WriteOrRestartAsync(WriteDurationsAsync));
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageName);
        _workers = new WorkerRegistrations(storage, this.GetGrainId());
        _queue = new QueueSegments(storage, this.GetGrainId());
        _placed = new PlacedSegments(storage, this.GetGrainId());
        await Task.WhenAll(
            _workers.ReadAsync(),
            _queue.ReadAsync(_state.State.QueueSegments, _state.State.NextQueueSequence),
            _placed.ReadAsync(_state.State.PlacedSegments, _state.State.NextPlacedSequence));
        if (!_workers.AnyStored)
        {
            // Written before the workers were stored in parts: from one state of their own, or (older) from the
            // snapshot. Moved over before a new snapshot drops them.
            var earlier = _workersState.RecordExists ? _workersState.State.Registrations : _state.State.Workers;
            foreach (var registration in earlier.Values)
            {
                _workers.Set(registration);
            }

            await _workers.WriteAsync();
        }

        if (_workersState.RecordExists)
        {
            await _workersState.ClearStateAsync(cancellationToken);
        }

        _partition = this.GetPrimaryKeyString();
        _poolName = PoolPartitions.PoolOf(_partition);
        ForesightMetrics.PoolSeen(_poolName);
        var scheduling = _options.Scheduling();
        _pool = new PoolScheduler(PlacementPolicies.FromName(scheduling.Placement, scheduling), scheduling.AgingInterval);
        SetUpPredictions(scheduling, _durationsState.State.Runs);
        Restore(_state.State);
        ScheduleRetryTimer();
        _stream = this.GetStreamProvider(StreamNames.Provider).GetStream<LoadEventBatch>(StreamId.Create(StreamNames.Load, _poolName));
        this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(_options.ReconcilePeriod, _options.ReconcilePeriod) { Interleave = true });
        this.RegisterGrainTimer(FlushEventsAsync, new GrainTimerCreationOptions(_options.LoadFlushPeriod, _options.LoadFlushPeriod) { Interleave = true });
        if (_workers.Count > 0 || _queued.Count > 0 || _delayed.Count > 0 || _placed.Count > 0)
        {
            AnnounceOnce();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // While the silo shuts down the stream's queue grains are already gone: the buffered load events are dropped
        // (they are hints; the autoscaler reconciles from grain state) rather than failing loudly on the way out.
        if (reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            await FlushEventsAsync();
        }

        await _writer.WriteAsync();
        await _workersWriter.WriteAsync();
        if (_durations.Changed)
        {
            await _durationsWriter.WriteAsync();
        }
    }

    public Task Enqueue(IReadOnlyList<QueuedJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        AnnounceOnce();
        var now = _clock.Now;
        foreach (var job in jobs)
        {
            if (IsKnownAtOrAfter(job))
            {
                continue;
            }

            if (job.NotBefore is { } notBefore && notBefore > now)
            {
                Hold(job, notBefore);
            }
            else
            {
                AddToQueue(job);
                RecordStartPrediction(job, now);
            }

            Buffer(new LoadEvent(LoadEventKind.Arrival, _partition, job.JobId, now, _pool.QueueDepth));
        }

        RequestDispatch();
        return _writer.WriteAsync();
    }

    public async Task<IReadOnlyList<StartPrediction?>> EnqueueAndPredict(IReadOnlyList<QueuedJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        await Enqueue(jobs);
        var predictions = new StartPrediction?[jobs.Count];
        for (var i = 0; i < jobs.Count; i++)
        {
            predictions[i] = await PredictStart(new JobAttempt(jobs[i].JobId, jobs[i].Attempt));
        }

        return predictions;
    }

    public Task<bool> Dequeue(JobAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var removed = false;
        if (_queued.TryGetValue(attempt.JobId, out var queued) && queued.Attempt == attempt.Attempt)
        {
            RemoveFromQueue(attempt.JobId);
            removed = true;
        }
        else if (_delayed.TryGetValue(attempt.JobId, out var delayed) && delayed.Attempt == attempt.Attempt)
        {
            RemoveHeld(attempt.JobId);
            removed = true;
        }

        return removed ? WriteThen(true) : Task.FromResult(false);
    }

    public Task UpsertWorker(WorkerRegistration registration, bool accepting)
    {
        ArgumentNullException.ThrowIfNull(registration);
        AnnounceOnce();
        var view = _pool.FindWorker(registration.WorkerId);
        if (view is not null && view.Accepting == accepting && _workers.Find(registration.WorkerId) == registration)
        {
            return Task.CompletedTask; // a periodic re-assertion with nothing new: no dispatch, no write
        }

        registration = registration with { Labels = StoredLists.Of(registration.Labels) };
        _workers.Set(registration);
        if (view is null)
        {
            view = NewView(registration);
            view.Accepting = accepting;
            _pool.UpsertWorker(view);
            foreach (var placed in _placed.All)
            {
                if (placed.WorkerId == registration.WorkerId)
                {
                    view.Allocated += Demand(placed.Job);
                    view.RunningJobs++;
                }
            }
        }
        else
        {
            view.Accepting = accepting;
            view.Capacity = new Resources(registration.Cpu, registration.MemoryMb);
        }

        // Placements this makes are written with the queue's next write, as any dispatch's are.
        DispatchNow(_clock.Now);
        return _workersWriter.WriteAsync();
    }

    public async Task RemoveWorker(string workerId, bool lost)
    {
        _workers.Remove(workerId);
        _workerGrains.Remove(workerId);
        _pool.RemoveWorker(workerId);
        var held = _placed.All.Where(p => p.WorkerId == workerId).ToList();
        foreach (var placed in held)
        {
            _placed.Remove(placed.Job.JobId);
            ForgetPrediction(placed.Job.JobId);
        }

        await Task.WhenAll(_writer.WriteAsync(), _workersWriter.WriteAsync());
        if (held.Count > 0)
        {
            LogWorkerRemoved(_logger, _partition, workerId, held.Count, lost);
        }

        // Each job decides (retry policy) and comes back through Enqueue with a new attempt when it should run again.
        await Task.WhenAll(held.Select(p => GrainFactory.GetGrain<IJobGrain>(p.Job.JobId).WorkerLost(p.Job.Attempt, workerId)));
    }

    public Task Released(string workerId, IReadOnlyList<JobAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var now = _clock.Now;
        foreach (var attempt in attempts)
        {
            if (TakePlaced(workerId, attempt) is { } placed)
            {
                DurationObserved(placed, now);
                Buffer(new LoadEvent(LoadEventKind.Completed, _partition, attempt.JobId, now, _pool.QueueDepth, Duration: now - placed.PlacedAt));
            }
        }

        RequestDispatch();
        // Freed capacity needs no durability before answering, nor a write of its own: the results are already
        // durable at their jobs, the next write (an enqueue's, or the reconciliation's) carries it, and a restored
        // scheduler that still counts them drops them on its first reconciliation.
        _releasedSinceWrite = true;
        return Task.CompletedTask;
    }

    public Task Return(string workerId, IReadOnlyList<JobAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        foreach (var attempt in attempts)
        {
            if (TakePlaced(workerId, attempt) is { } placed)
            {
                AddToQueue(placed.Job);
            }
        }

        DispatchNow(_clock.Now);
        return _writer.WriteAsync();
    }

    public Task<bool> Knows(JobAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var known = (_queued.TryGetValue(attempt.JobId, out var q) && q.Attempt == attempt.Attempt)
            || (_delayed.TryGetValue(attempt.JobId, out var d) && d.Attempt == attempt.Attempt)
            || _placed.Find(attempt.JobId)?.Job.Attempt == attempt.Attempt;
        return Task.FromResult(known);
    }

    public Task<SchedulerSnapshot> GetState()
    {
        var workers = _pool.Workers
            .Select(w => new WorkerCapacity(w.WorkerId, w.Free.Cpu, w.Free.MemoryMb, w.RunningJobs, w.Accepting))
            .ToList();
        var head = _pool.Queued.Take(100).Select(d => _queued[d.JobId]).ToList();
        return Task.FromResult(new SchedulerSnapshot(_partition, _pool.QueueDepth + _delayed.Count, _placed.Count, workers, head, _placements));
    }

    private bool IsKnownAtOrAfter(QueuedJob job)
    {
        if (_queued.TryGetValue(job.JobId, out var queued))
        {
            if (queued.Attempt >= job.Attempt)
            {
                return true;
            }

            RemoveFromQueue(job.JobId);
        }

        if (_delayed.TryGetValue(job.JobId, out var delayed))
        {
            if (delayed.Attempt >= job.Attempt)
            {
                return true;
            }

            RemoveHeld(job.JobId);
        }

        if (_placed.Find(job.JobId) is { } placed)
        {
            if (placed.Job.Attempt >= job.Attempt)
            {
                return true;
            }

            // A newer attempt supersedes the placed one (its worker was lost): free what it held.
            TakePlaced(placed.WorkerId, new JobAttempt(job.JobId, placed.Job.Attempt));
        }

        return false;
    }

    private PlacedAttempt? TakePlaced(string workerId, JobAttempt attempt)
    {
        if (_placed.Find(attempt.JobId) is not { } placed || placed.Job.Attempt != attempt.Attempt || placed.WorkerId != workerId)
        {
            return null;
        }

        _placed.Remove(attempt.JobId);
        _pool.Release(workerId, Demand(placed.Job));
        return placed;
    }

    private void AddToQueue(QueuedJob job)
    {
        PutQueued(job);
        _queue.Add(job);
        _pool.Enqueue(WithPrediction(job, new JobDemand(job.JobId, job.Labels, Demand(job), job.Priority)), job.EnqueuedAt);
        ForesightMetrics.QueueChanged(_poolName, 1);
    }

    /// <summary>Holds a retry in the pool scheduler until its back-off ends; a one-shot timer dispatches it then.</summary>
    private void Hold(QueuedJob job, DateTimeOffset notBefore)
    {
        _delayed[job.JobId] = job;
        _queue.Add(job);
        _pool.Hold(WithPrediction(job, new JobDemand(job.JobId, job.Labels, Demand(job), job.Priority)), job.EnqueuedAt, notBefore);
        ScheduleRetryTimer();
    }

    private void RemoveHeld(string jobId)
    {
        _delayed.Remove(jobId);
        _queue.Remove(jobId);
        _pool.TryRemoveQueued(jobId);
        ForgetPrediction(jobId);
    }

    /// <summary>Moves the retries whose back-off ended from the held set to the queue; true when any did.</summary>
    private bool PromoteDueRetries(DateTimeOffset now)
    {
        var promoted = _pool.PromoteDue(now);
        foreach (var demand in promoted)
        {
            if (_delayed.Remove(demand.JobId, out var job))
            {
                PutQueued(job); // the same record: its queue segment is unchanged
                ForesightMetrics.QueueChanged(_poolName, 1);
            }
        }

        return promoted.Count > 0;
    }

    /// <summary>(Re)arms the one-shot timer for the earliest held retry, unless one is armed for that time or earlier.</summary>
    private void ScheduleRetryTimer()
    {
        if (_pool.NextDueAt is not { } due || (_retryTimer is not null && _retryTimerDue <= due))
        {
            return;
        }

        _retryTimer?.Dispose();
        _retryTimerDue = due;
        var wait = due - _clock.Now;
        _retryTimer = this.RegisterGrainTimer(
            RetriesDueAsync,
            new GrainTimerCreationOptions(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = true });
    }

    private async Task RetriesDueAsync(CancellationToken cancellation)
    {
        _retryTimer?.Dispose();
        _retryTimer = null;
        DispatchNow(_clock.Now);
        ScheduleRetryTimer();
        try
        {
            await _writer.WriteAsync();
        }
        catch (Exception e)
        {
            LogPersistFailed(_logger, e, _partition);
        }
    }

    private void RemoveFromQueue(string jobId)
    {
        ForgetPrediction(jobId);
        TakeQueued(jobId);
        _queue.Remove(jobId);
        if (_pool.TryRemoveQueued(jobId))
        {
            ForesightMetrics.QueueChanged(_poolName, -1);
        }

        ReportOldestWait();
    }

    private void ReportOldestWait() =>
        ForesightMetrics.QueueOldest(_poolName, _partition, _queuedByAge.Count == 0 ? null : _queuedByAge.Min.EnqueuedAt);

    /// <summary>Queues a job's record in memory, kept ordered by age too (the oldest wait is then read, not scanned).</summary>
    private void PutQueued(QueuedJob job)
    {
        TakeQueued(job.JobId);
        _queued[job.JobId] = job;
        _queuedByAge.Add((job.EnqueuedAt, job.JobId));
    }

    private QueuedJob? TakeQueued(string jobId)
    {
        if (!_queued.Remove(jobId, out var job))
        {
            return null;
        }

        _queuedByAge.Remove((job.EnqueuedAt, job.JobId));
        return job;
    }

    /// <summary>
    /// Dispatches once the calls already waiting for this activation have run: a burst of enqueues and releases
    /// then costs one dispatch pass and one assignment message per worker instead of one per job.
    /// </summary>
    private void RequestDispatch()
    {
        if (_dispatchRequested)
        {
            return;
        }

        _dispatchRequested = true;
        _ = DispatchSoonAsync();
    }

    private async Task DispatchSoonAsync()
    {
        await Task.Yield();
        _dispatchRequested = false;
        var started = _clock.Time.GetTimestamp();
        DispatchNow(_clock.Now);
        ForesightMetrics.Scheduled(_poolName, _clock.Time.GetElapsedTime(started));
        ReportOldestWait();
    }

    private void DispatchNow(DateTimeOffset now)
    {
        PromoteDueRetries(now);
        var placements = _pool.Dispatch(now);
        if (placements.Count == 0)
        {
            return;
        }

        var byWorker = new Dictionary<string, List<JobAttempt>>(StringComparer.Ordinal);
        foreach (var placement in placements)
        {
            var job = TakeQueued(placement.Job.JobId)!;
            _queue.Remove(job.JobId);
            StartObserved(job.JobId, now);
            _placed.Add(new PlacedAttempt(job, placement.WorkerId, now));
            _placements++;
            ForesightMetrics.QueueChanged(_poolName, -1);
            ForesightMetrics.Waited(_poolName, placement.Waited);
            RunSpans.Placed(job, placement.WorkerId, placement.Waited, now);
            Buffer(new LoadEvent(LoadEventKind.Started, _partition, job.JobId, now, _pool.QueueDepth, Wait: placement.Waited));
            if (!byWorker.TryGetValue(placement.WorkerId, out var list))
            {
                byWorker[placement.WorkerId] = list = [];
            }

            list.Add(new JobAttempt(job.JobId, job.Attempt));
        }

        foreach (var (workerId, attempts) in byWorker)
        {
            _ = SendAsync(workerId, attempts);
        }
    }

    private async Task SendAsync(string workerId, List<JobAttempt> attempts)
    {
        try
        {
            await Worker(workerId).Assign(attempts);
        }
        catch (Exception e)
        {
            // The worker grain could not be reached (its silo may be gone). Its attempts go back to the queue and
            // the worker takes nothing more until it registers again; no immediate re-dispatch, so a failing
            // worker cannot turn this into a tight loop. A claim that did get through makes a second placement
            // harmless: the job refuses the second claim.
            LogSendFailed(_logger, e, _partition, workerId, attempts.Count);
            await Task.Yield();
            if (_pool.FindWorker(workerId) is { } view)
            {
                view.Accepting = false;
            }

            foreach (var attempt in attempts)
            {
                if (TakePlaced(workerId, attempt) is { } placed)
                {
                    AddToQueue(placed.Job);
                }
            }

            try
            {
                await _writer.WriteAsync();
            }
            catch (Exception persist)
            {
                LogPersistFailed(_logger, persist, _partition);
            }
        }
    }

    /// <summary>The worker's grain reference, made once per worker: resolving one costs a reflection lookup in Orleans.</summary>
    private IWorkerGrain Worker(string workerId)
    {
        if (!_workerGrains.TryGetValue(workerId, out var worker))
        {
            _workerGrains[workerId] = worker = GrainFactory.GetGrain<IWorkerGrain>(workerId);
        }

        return worker;
    }

    /// <summary>Tells the pool directory (for <c>GET /api/pools</c>) about this partition once per activation.</summary>
    private void AnnounceOnce()
    {
        if (_announced)
        {
            return;
        }

        _announced = true;
        _ = AnnounceAsync();
    }

    private async Task AnnounceAsync()
    {
        try
        {
            await GrainFactory.GetGrain<IPoolDirectoryGrain>(IPoolDirectoryGrain.Key).Register(_partition);
        }
        catch (Exception e)
        {
            _announced = false; // the next call tries again
            LogAnnounceFailed(_logger, e, _partition);
        }
    }

    private async Task ReconcileAsync(CancellationToken cancellation)
    {
        if (_reconciling)
        {
            return;
        }

        _reconciling = true;
        try
        {
            var now = _clock.Now;
            var changed = PromoteDueRetries(now);
            changed |= await CheckStalePlacementsAsync(now);
            DispatchNow(now);
            if (changed || _releasedSinceWrite)
            {
                await _writer.WriteAsync();
            }

            if (_durations.Changed)
            {
                await _durationsWriter.WriteAsync();
            }
        }
        catch (Exception e)
        {
            LogReconcileFailed(_logger, e, _partition);
        }
        finally
        {
            _reconciling = false;
        }
    }

    private async Task<bool> CheckStalePlacementsAsync(DateTimeOffset now)
    {
        var stale = _placed.All.Where(p => now - p.PlacedAt > _options.ClaimGrace).ToList();
        if (stale.Count == 0)
        {
            return false;
        }

        var changed = false;
        foreach (var group in stale.GroupBy(p => p.WorkerId))
        {
            ActiveAttempts worker;
            try
            {
                worker = await GrainFactory.GetGrain<IWorkerGrain>(group.Key).GetActiveAttempts();
            }
            catch (Exception e)
            {
                LogReconcileFailed(_logger, e, _partition);
                continue;
            }

            foreach (var placed in group)
            {
                if (worker.Attempts.TryGetValue(placed.Job.JobId, out var running) && running == placed.Job.Attempt)
                {
                    continue;
                }

                var job = await GrainFactory.GetGrain<IJobGrain>(placed.Job.JobId).GetState();
                if (!ReferenceEquals(_placed.Find(placed.Job.JobId), placed))
                {
                    continue; // changed while we awaited
                }

                var current = job.CurrentAttempt;
                var claimedThere = job.State == JobState.Running && current?.Number == placed.Job.Attempt && current.WorkerId == placed.WorkerId;
                if (claimedThere)
                {
                    // The job watches its own claimed attempt (see JobGrain's watchdog); asking it woke it up.
                    continue;
                }

                TakePlaced(placed.WorkerId, new JobAttempt(placed.Job.JobId, placed.Job.Attempt));
                changed = true;
                if (job.State == JobState.Queued && current is { WorkerId: null } && current.Number == placed.Job.Attempt)
                {
                    // The assignment never reached the worker: place it again.
                    LogReplaced(_logger, _partition, placed.Job.JobId, placed.Job.Attempt);
                    AddToQueue(placed.Job);
                }
            }
        }

        return changed;
    }

    private async Task FlushEventsAsync(CancellationToken cancellation = default)
    {
        if (_stream is null)
        {
            return;
        }

        _events.Add(new LoadEvent(LoadEventKind.QueueDepth, _partition, null, _clock.Now, _pool.QueueDepth + _delayed.Count));
        var batch = new LoadEventBatch(_poolName, [.. _events]);
        _events.Clear();
        try
        {
            await _stream.OnNextAsync(batch);
        }
        catch (Exception e)
        {
            // Load events are hints: the autoscaler also reconciles from grain state.
            LogPublishFailed(_logger, e, _partition);
        }
    }

    private void Buffer(LoadEvent loadEvent)
    {
        if (_events.Count < MaxBufferedEvents)
        {
            _events.Add(loadEvent);
        }
    }

    private async Task<bool> WriteThen(bool result)
    {
        await _writer.WriteAsync();
        return result;
    }

    private async Task WriteOrRestartAsync(Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote since this one read (a fail-over overlap): start again from storage.
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Writes the queue and placed-attempt segments changed since the last write and, beside them, the main
    /// state: the count of placements and which segments hold the queue and the placed attempts.</summary>
    private Task WriteSnapshotAsync()
    {
        _releasedSinceWrite = false;
        var queue = _queue.WriteAsync();
        var placed = _placed.WriteAsync();
        _state.State = new SchedulerState
        {
            Placements = _placements,
            QueueSegments = _queue.Live,
            NextQueueSequence = _queue.NextSequence,
            PlacedSegments = _placed.Live,
            NextPlacedSequence = _placed.NextSequence,
        };
        return Task.WhenAll(queue, placed, _state.WriteStateAsync());
    }

    private Task WriteWorkersAsync() => _workers.WriteAsync();

    private void Restore(SchedulerState saved)
    {
        _placements = saved.Placements;
        foreach (var registration in _workers.All)
        {
            _pool.UpsertWorker(NewView(registration));
        }

        // The segments, and the placed attempts of a snapshot written before them (moved into segments by the next
        // write); a job once, at its latest attempt.
        var placedAttempts = _placed.All.Concat(saved.Placed)
            .GroupBy(p => p.Job.JobId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(p => p.Job.Attempt)!)
            .OrderBy(p => p.PlacedAt)
            .ToList();
        foreach (var placed in placedAttempts)
        {
            _placed.Add(placed);
            if (_pool.FindWorker(placed.WorkerId) is { } view)
            {
                view.Allocated += Demand(placed.Job);
                view.RunningJobs++;
            }
        }

        // The segments, and the whole queue of a snapshot written before them (moved into segments by the next
        // write). A job is queued once, at its latest attempt, and not when that attempt (or a later one) is placed.
        var queue = _queue.All.Concat(saved.Queue)
            .Where(j => !(_placed.Find(j.JobId) is { } placed && placed.Job.Attempt >= j.Attempt))
            .GroupBy(j => j.JobId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(j => j.Attempt)!)
            .OrderBy(j => j.EnqueuedAt)
            .ToList();
        foreach (var job in queue)
        {
            if (job.NotBefore is { } notBefore)
            {
                _delayed[job.JobId] = job;
                _queue.Add(job);
                _pool.Hold(WithPrediction(job, new JobDemand(job.JobId, job.Labels, Demand(job), job.Priority)), job.EnqueuedAt, notBefore);
            }
            else
            {
                AddToQueue(job);
            }
        }

        foreach (var left in _queue.All.Where(j => !ReferenceEquals(_queued.GetValueOrDefault(j.JobId) ?? _delayed.GetValueOrDefault(j.JobId), j)).ToList())
        {
            _queue.Remove(left.JobId);
        }
    }

    private static WorkerView NewView(WorkerRegistration registration) =>
        new(registration.WorkerId, new HashSet<string>(registration.Labels, StringComparer.Ordinal), new Resources(registration.Cpu, registration.MemoryMb));

    private static Resources Demand(QueuedJob job) => new(job.Cpu, job.MemoryMb);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler {Partition}: worker {WorkerId} removed with {Count} attempts (lost: {Lost})")]
    private static partial void LogWorkerRemoved(ILogger logger, string partition, string workerId, int count, bool lost);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduler {Partition}: could not hand {Count} attempts to worker {WorkerId}; re-queued")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, string partition, string workerId, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduler {Partition}: state write failed")]
    private static partial void LogPersistFailed(ILogger logger, Exception exception, string partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduler {Partition}: reconciliation failed; will try again")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string partition);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler {Partition}: assignment of {JobId} attempt {Attempt} was lost; placing it again")]
    private static partial void LogReplaced(ILogger logger, string partition, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scheduler {Partition}: could not register with the pool directory; will try again")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string partition);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Scheduler {Partition}: load events not published")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string partition);
}
