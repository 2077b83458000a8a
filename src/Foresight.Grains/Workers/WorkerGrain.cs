using Foresight.Abstractions.Events;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Foresight.Grains.Secrets;
using Foresight.Scheduling.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Streams;

namespace Foresight.Grains.Workers;

/// <summary>
/// One worker. Relays assignments to its agent after claiming each attempt at its job (so an attempt runs at most
/// once per claim), relays results back, tracks heartbeats and turns Unhealthy when they stop, which sends the
/// attempts it held back to their jobs. Busy/Available flips are not persisted: they follow from what runs.
/// </summary>
[Reentrant]
public sealed partial class WorkerGrain(
    [PersistentState("worker", "workers")] IPersistentState<WorkerRecord> state,
    ForesightClock clock,
    IOptions<ForesightOptions> options,
    ISecretResolver secrets,
    ILogger<WorkerGrain> logger) : Grain, IWorkerGrain
{
    private const int ClaimTries = 3;
    private readonly ForesightOptions _options = options.Value;
    private IWorkerAgent? _agent;
    private IGrainTimer? _heartbeatCheck;
    private IAsyncStream<HeartbeatEvent>? _stream;
    private DateTimeOffset _lastHeartbeat;
    private DateTimeOffset _lastAsserted;
    private IReadOnlyList<JobAttempt> _agentRunning = [];
    private DateTimeOffset? _agentReportedAt;

    private WorkerRecord Record => state.State;

    private string WorkerId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // After a fail-over the agent gets one full timeout to find this new activation before it is declared lost.
        _lastHeartbeat = clock.Now;
        if (Record.Registration is not null && Record.State != WorkerState.Offline)
        {
            StartWatching();
        }

        return Task.CompletedTask;
    }

    public async Task<WorkerRecord> Register(WorkerRegistration registration, IWorkerAgent agent)
    {
        ArgumentNullException.ThrowIfNull(registration);
        ArgumentNullException.ThrowIfNull(agent);
        if (Check(registration) is { } problem)
        {
            throw new ArgumentException(problem, nameof(registration));
        }

        _agent = agent;
        var now = clock.Now;
        _lastHeartbeat = now;
        var from = Record.State;
        // A live worker re-registering (its grain moved after a silo failure) keeps its state.
        var to = from is WorkerState.Available or WorkerState.Busy or WorkerState.Draining
            ? from
            : WorkerLifecycle.Transition(from, WorkerEvent.Registered);
        Record.Registration = registration;
        Record.State = to;
        Record.LastHeartbeat = now;
        Record.RegisteredAt ??= now;
        ForesightMetrics.WorkerMoved(from == WorkerState.Registering ? null : from, to);
        await state.WriteStateAsync();
        await AssertRegistrationAsync();
        StartWatching();
        await PublishAsync();
        return Record;
    }

    public async Task<HeartbeatAck> Heartbeat(WorkerHeartbeat heartbeat)
    {
        if (Record.Registration is null || Record.State == WorkerState.Offline)
        {
            return new HeartbeatAck(ReRegister: true, Drain: false);
        }

        _lastHeartbeat = clock.Now;
        Record.LastHeartbeat = _lastHeartbeat;
        _agentRunning = heartbeat.Running;
        _agentReportedAt = _lastHeartbeat;
        if (Record.State == WorkerState.Unhealthy)
        {
            await MoveAsync(WorkerEvent.HeartbeatRecovered);
            await AssertRegistrationAsync();
        }
        else if (_agent is not null && _lastHeartbeat - _lastAsserted > _options.ReconcilePeriod * 4)
        {
            // Now and then remind the scheduler of this worker: it may have been restored from older state or
            // have stopped sending here after a failed hand-off. Unchanged, this costs it nothing.
            await AssertRegistrationAsync();
        }

        await PublishAsync();
        return new HeartbeatAck(ReRegister: _agent is null, Drain: Record.State == WorkerState.Draining);
    }

    public async Task Assign(IReadOnlyList<JobAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        if (_agent is null || !WorkerLifecycle.IsAcceptingWork(Record.State))
        {
            // No channel to the agent yet (or not taking work): the scheduler puts them back in its queue.
            if (Record.Registration is { } registration)
            {
                await Scheduler().UpsertWorker(registration, accepting: false);
            }

            await Scheduler().Return(WorkerId, attempts);
            return;
        }

        foreach (var attempt in attempts)
        {
            Record.Running[attempt.JobId] = attempt.Attempt;
        }

        var specs = await Task.WhenAll(attempts.Select(ClaimAsync));
        var accepted = new List<Assignment>(attempts.Count);
        var refused = new List<JobAttempt>();
        var unreachable = new List<JobAttempt>();
        for (var i = 0; i < attempts.Count; i++)
        {
            switch (specs[i])
            {
                case ClaimOutcome.Claimed claimed:
                    accepted.Add(new Assignment(attempts[i].JobId, attempts[i].Attempt, claimed.Spec, await SecretsOfAsync(claimed.Spec)));
                    break;
                case ClaimOutcome.Refused:
                    refused.Add(attempts[i]);
                    Forget(attempts[i]);
                    break;
                default:
                    unreachable.Add(attempts[i]);
                    Forget(attempts[i]);
                    break;
            }
        }

        if (refused.Count > 0)
        {
            await Scheduler().Released(WorkerId, refused);
        }

        if (unreachable.Count > 0)
        {
            await Scheduler().Return(WorkerId, unreachable);
        }

        if (accepted.Count == 0)
        {
            return;
        }

        MoveQuietly(WorkerEvent.BecameBusy);
        try
        {
            await _agent.Assign(accepted);
        }
        catch (Exception e)
        {
            LogAgentUnreachable(logger, e, WorkerId, accepted.Count);
            _agent = null;
            foreach (var assignment in accepted)
            {
                Record.Running.Remove(assignment.JobId);
            }

            // Claimed but never handed over: the jobs count the attempt as lost and queue a new one.
            await Task.WhenAll(accepted.Select(a => GrainFactory.GetGrain<IJobGrain>(a.JobId).WorkerLost(a.Attempt, WorkerId)));
        }
    }

    public async Task Report(IReadOnlyList<AttemptReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        foreach (var report in reports)
        {
            if (Record.Running.TryGetValue(report.JobId, out var running) && running == report.Attempt)
            {
                Record.Running.Remove(report.JobId);
            }
        }

        // Jobs first: once Finish returns the result is durable; only then is the capacity given back.
        await Task.WhenAll(reports.Select(r => GrainFactory.GetGrain<IJobGrain>(r.JobId).Finish(r.Attempt, WorkerId, r.Result)));
        Record.CompletedAttempts += reports.Count;
        await Scheduler().Released(WorkerId, [.. reports.Select(r => new JobAttempt(r.JobId, r.Attempt))]);
        if (Record.Running.Count == 0)
        {
            MoveQuietly(WorkerEvent.BecameIdle);
        }
    }

    public async Task CancelAttempt(string jobId, int attempt)
    {
        if (_agent is not null && Record.Running.TryGetValue(jobId, out var running) && running == attempt)
        {
            await _agent.Cancel(jobId, attempt);
        }
    }

    public async Task Drain()
    {
        if (Record.Registration is null || Record.State is WorkerState.Draining or WorkerState.Offline)
        {
            return;
        }

        await MoveAsync(WorkerEvent.DrainRequested);
        await Scheduler().UpsertWorker(Record.Registration, accepting: false);
        if (_agent is { } agent)
        {
            await agent.Drain();
        }
    }

    public async Task Deregister()
    {
        if (Record.Registration is null || Record.State == WorkerState.Offline)
        {
            return;
        }

        await MoveAsync(WorkerEvent.Deregistered);
        _agent = null;
        _heartbeatCheck?.Dispose();
        _heartbeatCheck = null;
        Record.Running.Clear();
        await Scheduler().RemoveWorker(WorkerId, lost: false);
        DeactivateOnIdle();
    }

    public Task<WorkerRecord> GetState() => Task.FromResult(Record);

    public Task<ActiveAttempts> GetActiveAttempts()
    {
        var active = new Dictionary<string, int>(Record.Running);
        foreach (var attempt in _agentRunning)
        {
            active.TryAdd(attempt.JobId, attempt.Attempt);
        }

        return Task.FromResult(new ActiveAttempts(active, _agentReportedAt));
    }

    private async Task<ClaimOutcome> ClaimAsync(JobAttempt attempt)
    {
        for (var tries = 1; ; tries++)
        {
            try
            {
                var spec = await GrainFactory.GetGrain<IJobGrain>(attempt.JobId).Claim(attempt.Attempt, WorkerId);
                return spec is null ? new ClaimOutcome.Refused() : new ClaimOutcome.Claimed(spec);
            }
            catch (Exception e) when (tries < ClaimTries)
            {
                // The job's silo may be failing over; a claim by the same worker is answered the same way twice.
                LogClaimRetry(logger, e, WorkerId, attempt.JobId);
            }
            catch (Exception e)
            {
                LogClaimRetry(logger, e, WorkerId, attempt.JobId);
                return new ClaimOutcome.Unreachable();
            }
        }
    }

    /// <summary>The job's secrets for its agent; they travel with the assignment only, never into grain state.</summary>
    private async Task<IReadOnlyDictionary<string, string>?> SecretsOfAsync(JobSpec spec)
    {
        if (string.IsNullOrWhiteSpace(spec.SecretScope))
        {
            return null;
        }

        try
        {
            var found = await secrets.ResolveAsync(spec.SecretScope);
            return found.Count == 0 ? null : found;
        }
        catch (Exception e)
        {
            LogSecretsUnresolved(logger, e, WorkerId, spec.SecretScope);
            return null;
        }
    }

    private void Forget(JobAttempt attempt)
    {
        if (Record.Running.TryGetValue(attempt.JobId, out var running) && running == attempt.Attempt)
        {
            Record.Running.Remove(attempt.JobId);
        }
    }

    private void StartWatching()
    {
        _stream ??= this.GetStreamProvider(StreamNames.Provider)
            .GetStream<HeartbeatEvent>(StreamId.Create(StreamNames.Heartbeats, Record.Registration!.Pool));
        _heartbeatCheck ??= this.RegisterGrainTimer(
            CheckHeartbeatAsync,
            new GrainTimerCreationOptions(_options.HeartbeatCheckPeriod, _options.HeartbeatCheckPeriod) { Interleave = true });
    }

    private async Task CheckHeartbeatAsync(CancellationToken cancellation)
    {
        if (Record.State is WorkerState.Unhealthy or WorkerState.Offline or WorkerState.Registering)
        {
            return;
        }

        if (!HeartbeatTimeout.IsExpired(_lastHeartbeat, clock.Now, _options.HeartbeatTimeout))
        {
            return;
        }

        LogHeartbeatLost(logger, WorkerId, Record.Running.Count);
        await MoveAsync(WorkerEvent.HeartbeatMissed);
        Record.Running.Clear();
        await PublishAsync();
        // The scheduler forgets the worker and hands every attempt it held back to its job as lost.
        await Scheduler().RemoveWorker(WorkerId, lost: true);
    }

    private async Task MoveAsync(WorkerEvent workerEvent)
    {
        var from = Record.State;
        Record.State = WorkerLifecycle.Transition(from, workerEvent);
        ForesightMetrics.WorkerMoved(from, Record.State);
        await state.WriteStateAsync();
    }

    private void MoveQuietly(WorkerEvent workerEvent)
    {
        var from = Record.State;
        if (WorkerLifecycle.TryTransition(from, workerEvent, out var to))
        {
            Record.State = to;
            ForesightMetrics.WorkerMoved(from, to);
        }
    }

    private async Task PublishAsync()
    {
        if (_stream is null || Record.Registration is null)
        {
            return;
        }

        try
        {
            await _stream.OnNextAsync(new HeartbeatEvent(WorkerId, Record.Registration.Pool, Record.State, Record.Running.Count, clock.Now));
        }
        catch (Exception e)
        {
            LogPublishFailed(logger, e, WorkerId);
        }
    }

    private Task AssertRegistrationAsync()
    {
        _lastAsserted = clock.Now;
        return Scheduler().UpsertWorker(Record.Registration!, WorkerLifecycle.IsAcceptingWork(Record.State));
    }

    private ISchedulerGrain Scheduler()
    {
        var pool = Record.Registration!.Pool;
        return GrainFactory.GetGrain<ISchedulerGrain>(PoolPartitions.ForWorker(pool, WorkerId, _options.ShardsFor(pool)));
    }

    private static string? Check(WorkerRegistration registration)
    {
        if (string.IsNullOrWhiteSpace(registration.WorkerId))
        {
            return "workerId must not be empty";
        }

        if (string.IsNullOrWhiteSpace(registration.Pool) || registration.Pool.Contains('/', StringComparison.Ordinal))
        {
            return "pool must be a non-empty name without '/'";
        }

        if (!(registration.Cpu > 0))
        {
            return $"cpu must be positive (was {registration.Cpu})";
        }

        return registration.MemoryMb <= 0 ? $"memoryMb must be positive (was {registration.MemoryMb})" : null;
    }

    private abstract record ClaimOutcome
    {
        public sealed record Claimed(JobSpec Spec) : ClaimOutcome;

        public sealed record Refused : ClaimOutcome;

        public sealed record Unreachable : ClaimOutcome;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId}: no heartbeat within the timeout; Unhealthy, {Count} attempts re-queued")]
    private static partial void LogHeartbeatLost(ILogger logger, string workerId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId}: agent unreachable; {Count} claimed attempts handed back as lost")]
    private static partial void LogAgentUnreachable(ILogger logger, Exception exception, string workerId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: claim of {JobId} failed")]
    private static partial void LogClaimRetry(ILogger logger, Exception exception, string workerId, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId}: secrets of scope {Scope} could not be resolved; the job runs without them")]
    private static partial void LogSecretsUnresolved(ILogger logger, Exception exception, string workerId, string scope);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker {WorkerId}: heartbeat event not published")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string workerId);
}
