using System.Security.Cryptography;
using Foresight.Abstractions.Agents;
using Foresight.Abstractions.Events;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Grains.Agents;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Foresight.Grains.Secrets;
using Foresight.Scheduling.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Orleans.Streams;

namespace Foresight.Grains.Workers;

/// <summary>
/// One worker. Keeps the attempts placed on it until its agent, polling, claims each at its job (so an attempt runs
/// at most once per claim), relays results back, tracks heartbeats and turns Unhealthy when they stop, which sends
/// the attempts it held back to their jobs. Busy/Available flips are not persisted: they follow from what runs.
/// It also keeps its agent's credential (the SHA-256 only), which the gateway checks on every agent request.
/// </summary>
[Reentrant]
public sealed partial class WorkerGrain(
    [PersistentState("worker", "workers")] IPersistentState<WorkerRecord> state,
    [PersistentState(AgentCredentialGrain.StateName, AgentCredentialGrain.StorageName)] IPersistentState<AgentCredentialRecord> credential,
    ForesightClock clock,
    IOptions<ForesightOptions> options,
    ISecretResolver secrets,
    ILogger<WorkerGrain> logger) : Grain, IWorkerGrain
{
    private const int ClaimTries = 3;

    /// <summary>Longest a poll waits inside the grain: well under the callers' response timeout.</summary>
    private static readonly TimeSpan MaxPollWait = TimeSpan.FromSeconds(20);

    /// <summary>An item sent in a poll's answer and not acted on since (the answer may have been lost) is sent again after this.</summary>
    private static readonly TimeSpan Redeliver = TimeSpan.FromSeconds(3);

    private readonly ForesightOptions _options = options.Value;
    private readonly Dictionary<string, Outstanding> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Outstanding> _cancels = new(StringComparer.Ordinal);
    private string? _workerId;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _drainDeliveredAt = -1;
    private int _waiting;

    /// <summary>The agent registered with this activation: the scheduler knows the worker from here.</summary>
    private bool _connected;
    private IGrainTimer? _heartbeatCheck;
    private (string Key, ISchedulerGrain Grain)? _scheduler;
    private IAsyncStream<HeartbeatEvent>? _stream;
    private DateTimeOffset _lastHeartbeat;
    private DateTimeOffset _lastAsserted;
    private IReadOnlyList<JobAttempt> _agentRunning = [];
    private DateTimeOffset? _agentReportedAt;
    private Task<AgentCredentialRecord>? _credentialLoad;

    private WorkerRecord Record => state.State;

    private string WorkerId => _workerId ??= this.GetPrimaryKeyString();

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

    public async Task<WorkerRecord> Register(WorkerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (Check(registration) is { } problem)
        {
            throw new ArgumentException(problem, nameof(registration));
        }

        _connected = true;
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
        ForesightMetrics.WorkerMoved(registration.Pool, from == WorkerState.Registering ? null : from, to);
        await state.WriteStateAsync();
        await AssertRegistrationAsync();
        StartWatching();
        await PublishAsync();
        return Record;
    }

    public async Task IssueCredential(AgentCredentialRecord issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        if (issued.Sha256 is not { Length: 32 })
        {
            throw new ArgumentException("the credential's SHA-256 must be 32 bytes", nameof(issued));
        }

        // A credential still in the earlier versions' grain is moved first, so that it is cleared there and not found again.
        await CredentialAsync();
        credential.State = issued;
        await credential.WriteStateAsync();
    }

    public async Task<bool> VerifyCredential(byte[] sha256) =>
        sha256 is { Length: 32 } && (await CredentialAsync()).Sha256 is { Length: 32 } known && CryptographicOperations.FixedTimeEquals(sha256, known);

    public async Task<WorkerRegistration?> GetCredentialRegistration() => (await CredentialAsync()).Registration;

    /// <summary>The credential; on this activation's first use, one stored by an earlier version's
    /// <see cref="AgentCredentialGrain"/> is moved here (read, written to this grain's state, cleared there).</summary>
    private Task<AgentCredentialRecord> CredentialAsync()
    {
        if (credential.State.Sha256 is not null)
        {
            return Task.FromResult(credential.State);
        }

        var load = _credentialLoad ??= MoveEarlierCredentialAsync();
        if (load.IsFaulted)
        {
            // A failed read is tried again by the next call rather than remembered.
            _credentialLoad = null;
        }

        return load;
    }

    private async Task<AgentCredentialRecord> MoveEarlierCredentialAsync()
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AgentCredentialGrain.StorageName);
        var earlierId = GrainFactory.GetGrain<IAgentCredentialGrain>(WorkerId).GetGrainId();
        var earlier = new GrainState<AgentCredentialRecord>(new AgentCredentialRecord());
        await storage.ReadStateAsync(AgentCredentialGrain.StateName, earlierId, earlier);
        if (earlier.RecordExists && earlier.State is { Sha256.Length: 32 } found && credential.State.Sha256 is null)
        {
            credential.State = found;
            await credential.WriteStateAsync();
            await storage.ClearStateAsync(AgentCredentialGrain.StateName, earlierId, earlier);
            LogCredentialMoved(logger, WorkerId);
        }

        return credential.State;
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
        else if (_connected && _lastHeartbeat - _lastAsserted > _options.ReconcilePeriod * 4)
        {
            // Now and then remind the scheduler of this worker: it may have been restored from older state or
            // have stopped sending here after a failed hand-off. Unchanged, this costs it nothing.
            await AssertRegistrationAsync();
        }

        await PublishAsync();
        return new HeartbeatAck(ReRegister: !_connected, Drain: Record.State == WorkerState.Draining);
    }

    public async Task Assign(IReadOnlyList<JobAttempt> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        if (!_connected || !WorkerLifecycle.IsAcceptingWork(Record.State))
        {
            // No agent registered with this activation yet (or not taking work): the scheduler puts them back in its queue.
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
            _pending[attempt.JobId] = new Outstanding(attempt.Attempt);
        }

        if (attempts.Count > 0)
        {
            MoveQuietly(WorkerEvent.BecameBusy);
            Wake();
        }
    }

    public async Task<AgentWork> Poll(TimeSpan wait)
    {
        if (!HasFreshWork() && wait > TimeSpan.Zero)
        {
            // Something sent before and not acted on yet (its answer may have been lost) is sent again soon.
            var cap = UntilRedelivery() is { } redeliver && redeliver < MaxPollWait ? redeliver : MaxPollWait;
            _waiting++;
            try
            {
                await _wake.Task.WaitAsync(wait < cap ? wait : cap);
            }
            catch (TimeoutException)
            {
                // Nothing new: the answer holds what is still outstanding (sent again in case an earlier answer was lost).
            }
            finally
            {
                // A wait that timed out stays registered on the signal until it fires: with no poll left waiting, a
                // fresh signal lets an idle worker's timed-out waits be collected instead of piling up.
                if (--_waiting == 0 && !_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        var now = Environment.TickCount64;
        foreach (var item in _pending.Values.Concat(_cancels.Values))
        {
            item.DeliveredAt = now;
        }

        var drain = Record.State == WorkerState.Draining;
        if (drain)
        {
            _drainDeliveredAt = now;
        }

        return new AgentWork(
            [.. _pending.Select(p => new JobAttempt(p.Key, p.Value.Attempt))],
            [.. _cancels.Select(c => new JobAttempt(c.Key, c.Value.Attempt))],
            drain);
    }

    public async Task<ClaimAnswer> Claim(string jobId, int attempt)
    {
        var wasPending = _pending.TryGetValue(jobId, out var pending) && pending.Attempt == attempt;
        if (!wasPending && !(Record.Running.TryGetValue(jobId, out var running) && running == attempt))
        {
            return new ClaimAnswer(ClaimStatus.NotAssigned);
        }

        var jobAttempt = new JobAttempt(jobId, attempt);
        switch (await ClaimAsync(jobAttempt))
        {
            case ClaimOutcome.Claimed claimed:
                if (_pending.TryGetValue(jobId, out var still) && still.Attempt == attempt)
                {
                    _pending.Remove(jobId);
                }

                return new ClaimAnswer(ClaimStatus.Claimed, new Assignment(jobId, attempt, claimed.Spec, await SecretsOfAsync(claimed.Spec)));
            case ClaimOutcome.Refused when wasPending:
                _pending.Remove(jobId);
                if (_cancels.TryGetValue(jobId, out var cancel) && cancel.Attempt == attempt)
                {
                    _cancels.Remove(jobId);
                }

                Forget(jobAttempt);
                await Scheduler().Released(WorkerId, new[] { jobAttempt });
                if (Record.Running.Count == 0)
                {
                    MoveQuietly(WorkerEvent.BecameIdle);
                }

                return new ClaimAnswer(ClaimStatus.Refused);
            case ClaimOutcome.Refused:
                return new ClaimAnswer(ClaimStatus.Refused);
            default:
                return new ClaimAnswer(ClaimStatus.Unavailable);
        }
    }

    public async Task<bool> Holds(string jobId, int attempt)
    {
        if (Record.Running.TryGetValue(jobId, out var running) && running == attempt)
        {
            return true;
        }

        var job = await GrainFactory.GetGrain<IJobGrain>(jobId).GetState();
        return job.Attempts.Exists(a => a.Number == attempt && a.WorkerId == WorkerId);
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

            if (_cancels.TryGetValue(report.JobId, out var cancel) && cancel.Attempt == report.Attempt)
            {
                _cancels.Remove(report.JobId);
            }
        }

        // Jobs first: once Finish returns the result is durable; only then is the capacity given back.
        await Task.WhenAll(reports.Select(r => GrainFactory.ByKey<IJobGrain>(r.JobId).Finish(r.Attempt, WorkerId, r.Result)));
        Record.CompletedAttempts += reports.Count;
        // An array, not a collection expression: the serializer looks a compiler-generated list's copier up on every call.
        await Scheduler().Released(WorkerId, reports.Select(r => new JobAttempt(r.JobId, r.Attempt)).ToArray());
        if (Record.Running.Count == 0)
        {
            MoveQuietly(WorkerEvent.BecameIdle);
        }
    }

    public Task CancelAttempt(string jobId, int attempt)
    {
        // A pending attempt is cancelled too: its claim may already have been granted by the job (the claim call is
        // still in flight on this reentrant grain), and then the agent runs it. If the claim is refused instead, the
        // refusal drops the cancel with the attempt.
        if (Record.Running.TryGetValue(jobId, out var running) && running == attempt)
        {
            _cancels[jobId] = new Outstanding(attempt);
            Wake();
        }

        return Task.CompletedTask;
    }

    public async Task Drain()
    {
        if (Record.Registration is null || Record.State is WorkerState.Draining or WorkerState.Offline)
        {
            return;
        }

        await MoveAsync(WorkerEvent.DrainRequested);
        await Scheduler().UpsertWorker(Record.Registration, accepting: false);
        Wake();
    }

    public async Task Deregister()
    {
        if (Record.Registration is null || Record.State == WorkerState.Offline)
        {
            return;
        }

        await MoveAsync(WorkerEvent.Deregistered);
        _connected = false;
        ForgetOutstanding();
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
                var spec = await GrainFactory.ByKey<IJobGrain>(attempt.JobId).Claim(attempt.Attempt, WorkerId);
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
            if (spec.SecretNames is { } names)
            {
                // A reusable workflow's secrets: each name takes the scope's secret it was passed, or the "=value" written in the file.
                found = names.Where(n => n.Value.StartsWith('=') || found.ContainsKey(n.Value))
                    .ToDictionary(n => n.Key, n => n.Value.StartsWith('=') ? n.Value[1..] : found[n.Value], StringComparer.Ordinal);
            }

            return found.Count == 0 ? null : found;
        }
        catch (Exception e)
        {
            LogSecretsUnresolved(logger, e, WorkerId, spec.SecretScope);
            return null;
        }
    }

    /// <summary>Whether a poll should answer now: something its agent has not been sent (or not for a while).</summary>
    private bool HasFreshWork()
    {
        var now = Environment.TickCount64;
        return AnyFresh(_pending, now) || AnyFresh(_cancels, now)
            || (Record.State == WorkerState.Draining && _drainDeliveredAt < 0);
    }

    private static bool AnyFresh(Dictionary<string, Outstanding> items, long now)
    {
        foreach (var item in items.Values)
        {
            if (item.DeliveredAt < 0 || now - item.DeliveredAt >= (long)Redeliver.TotalMilliseconds)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How long until the first item sent and not acted on is due again; null when there is none.</summary>
    private TimeSpan? UntilRedelivery()
    {
        var sent = Math.Min(FirstSent(_pending), FirstSent(_cancels));
        sent = sent == long.MaxValue ? -1 : sent;
        return sent < 0 ? null : TimeSpan.FromMilliseconds(Math.Max(1, sent + (long)Redeliver.TotalMilliseconds - Environment.TickCount64));
    }

    // The earliest delivery time among items sent and not acted on; long.MaxValue when none was sent.
    private static long FirstSent(Dictionary<string, Outstanding> items)
    {
        var first = long.MaxValue;
        foreach (var item in items.Values)
        {
            if (item.DeliveredAt >= 0 && item.DeliveredAt < first)
            {
                first = item.DeliveredAt;
            }
        }

        return first;
    }

    /// <summary>Answers the polls waiting now.</summary>
    private void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private void ForgetOutstanding()
    {
        _pending.Clear();
        _cancels.Clear();
        _drainDeliveredAt = -1;
        Wake();
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
        ForesightMetrics.HeartbeatMissed(PoolName);
        await MoveAsync(WorkerEvent.HeartbeatMissed);
        Record.Running.Clear();
        ForgetOutstanding();
        await PublishAsync();
        // The scheduler forgets the worker and hands every attempt it held back to its job as lost.
        await Scheduler().RemoveWorker(WorkerId, lost: true);
    }

    private string PoolName => Record.Registration?.Pool ?? PoolPartitions.DefaultPool;

    private async Task MoveAsync(WorkerEvent workerEvent)
    {
        var from = Record.State;
        Record.State = WorkerLifecycle.Transition(from, workerEvent);
        ForesightMetrics.WorkerMoved(PoolName, from, Record.State);
        await state.WriteStateAsync();
    }

    private void MoveQuietly(WorkerEvent workerEvent)
    {
        var from = Record.State;
        if (WorkerLifecycle.TryTransition(from, workerEvent, out var to))
        {
            Record.State = to;
            ForesightMetrics.WorkerMoved(PoolName, from, to);
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
        var key = PoolPartitions.ForWorker(pool, WorkerId, _options.ShardsFor(pool));
        if (_scheduler is not { } known || known.Key != key)
        {
            // Made once (and again only if the worker moved to another pool): resolving a reference costs a reflection lookup in Orleans.
            _scheduler = known = (key, GrainFactory.GetGrain<ISchedulerGrain>(key));
        }

        return known.Grain;
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

    /// <summary>An attempt waiting for its agent to act (claim it, or stop it), and when a poll last told the agent.</summary>
    private sealed class Outstanding(int attempt)
    {
        public int Attempt { get; } = attempt;

        public long DeliveredAt { get; set; } = -1;
    }

    private abstract record ClaimOutcome
    {
        public sealed record Claimed(JobSpec Spec) : ClaimOutcome;

        public sealed record Refused : ClaimOutcome;

        public sealed record Unreachable : ClaimOutcome;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId}: no heartbeat within the timeout; Unhealthy, {Count} attempts re-queued")]
    private static partial void LogHeartbeatLost(ILogger logger, string workerId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: claim of {JobId} failed")]
    private static partial void LogClaimRetry(ILogger logger, Exception exception, string workerId, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker {WorkerId}: secrets of scope {Scope} could not be resolved; the job runs without them")]
    private static partial void LogSecretsUnresolved(ILogger logger, Exception exception, string workerId, string scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {WorkerId}: agent credential moved from its earlier AgentCredentialGrain")]
    private static partial void LogCredentialMoved(ILogger logger, string workerId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Worker {WorkerId}: heartbeat event not published")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string workerId);
}
