using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Observability;
using Foresight.Abstractions.Profiles;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Workers;
using Foresight.Abstractions.Workflows;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Foresight.Grains.Storage;
using Foresight.Scheduling.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foresight.Grains.Jobs;

/// <summary>
/// One job: the state machine and the attempts. A job completes only here and only once: a result for an attempt
/// that is no longer current is recorded as late and changes nothing. Writes state at the three points durability
/// needs: accepted (Queued), claimed (Running) and ended. Once ended, the activation goes when idle; the record stays
/// in storage.
/// </summary>
public sealed partial class JobGrain(
    [PersistentState("job", "jobs")] IPersistentState<JobRecord> state,
    ForesightClock clock,
    IOptions<ForesightOptions> options,
    SiloHandOffs handOffs,
    ILogger<JobGrain> logger) : Grain, IJobGrain
{
    private const int MaxLateResults = 20;
    private readonly ForesightOptions _options = options.Value;
    private IGrainTimer? _enqueueRetry;
    private System.Diagnostics.Activity? _span;
    private IGrainTimer? _watchdog;

    private JobRecord Job => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Job.State is JobState.Queued or JobState.Running)
        {
            Watch();
        }

        return Task.CompletedTask;
    }

    public async Task<JobRecord> Submit(JobSpec spec)
    {
        if (await AcceptAsync(spec) is { } waiting)
        {
            await EnsureEnqueuedAsync(waiting);
        }

        return Job;
    }

    public async Task<SubmittedJob> SubmitAndPredict(JobSpec spec)
    {
        var prediction = await AcceptAsync(spec) is { } waiting ? await EnsureEnqueuedAsync(waiting, predict: true) : null;
        return new SubmittedJob(Job, prediction);
    }

    public async Task<JobRecord> Accept(JobSpec spec)
    {
        await AcceptAsync(spec);
        return Job;
    }

    /// <summary>Validates and (the first time) durably accepts the job; returns the attempt its scheduler must be
    /// handed, or null when none waits (a retried submit of a job that has moved on).</summary>
    private async Task<AttemptRecord?> AcceptAsync(JobSpec spec)
    {
        if (JobIdRules.Check(this.GetPrimaryKeyString()) is { } badId)
        {
            throw new InvalidJobSpecException("id", badId);
        }

        if (JobSpecValidator.Check(spec) is { } problem)
        {
            throw problem.ToException();
        }

        if (Job.Spec is not null)
        {
            // Already accepted: a retried submit (the first answer was lost) makes sure the scheduler has it.
            return JobHandOff.Waiting(Job);
        }

        var now = clock.Now;
        Job.JobId = this.GetPrimaryKeyString();
        var parent = RunSpans.Valid(spec.TraceParent) ?? RequestTrace.Current;
        _span = RunSpans.StartJob(spec, Job.JobId, parent, now);
        // The profile key is a hash of the command unless the spec names one: kept with the job, so the hand-off, the
        // resource estimate, the run's observation and every view of the job read it instead of hashing again.
        Job.Spec = spec with { TraceParent = _span?.Id ?? parent, Labels = StoredLists.Of(spec.Labels), Profile = ProfileKeys.Of(spec) };
        Job.SubmittedAt = now;
        Job.EstimatedResources = await EstimateResourcesAsync(Job.Spec);
        Move(JobState.Queued);
        var attempt = new AttemptRecord { Number = 1, QueuedAt = now };
        Job.Attempts.Add(attempt);
        await state.WriteStateAsync();
        // From here the watchdog makes sure the scheduler gets the attempt, whoever was to hand it over.
        Watch();
        return attempt;
    }

    public Task<JobRecord> GetState() => Task.FromResult(Job);

    public async Task<JobRecord> Cancel(string reason)
    {
        if (Job.Spec is null || JobStateMachine.IsTerminal(Job.State))
        {
            return Job;
        }

        var attempt = Job.CurrentAttempt!;
        var wasState = Job.State;
        Move(JobState.Cancelled);
        Job.StatusReason = string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason;
        Job.FinishedAt = clock.Now;
        attempt.End = AttemptEnd.Cancelled;
        attempt.EndedAt = Job.FinishedAt;
        await state.WriteStateAsync();
        if (wasState == JobState.Queued && attempt.WorkerId is null)
        {
            await Scheduler().Dequeue(new JobAttempt(Job.JobId, attempt.Number));
        }
        else if (attempt.WorkerId is { } worker)
        {
            await GrainFactory.GetGrain<IWorkerGrain>(worker).CancelAttempt(Job.JobId, attempt.Number);
        }

        await NotifyWorkflowAsync();
        LetGoOnceIdle();
        return Job;
    }

    public async Task<JobSpec?> Claim(int attempt, string workerId)
    {
        if (Job.State == JobState.Running && Job.CurrentAttempt is { } mine && mine.Number == attempt && mine.WorkerId == workerId)
        {
            return Job.Spec; // the same worker asking again (its first answer was lost): same answer.
        }

        if (Job.State != JobState.Queued || Job.CurrentAttempt is not { } current || current.Number != attempt || current.WorkerId is not null)
        {
            return null;
        }

        MarkRunning(current, workerId);
        await state.WriteStateAsync();
        Watch();
        return Job.Spec;
    }

    public async Task Finish(int attempt, string workerId, ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var now = clock.Now;
        if (Job.Attempts.Find(a => a.Number == attempt) is { Result: { } known, WorkerId: { } by } && by == workerId && known == result)
        {
            return; // a report delivered twice (the agent retried after a lost answer)
        }

        var current = Job.CurrentAttempt;
        var isCurrent = current is not null && current.Number == attempt && !JobStateMachine.IsTerminal(Job.State)
            && (current.WorkerId == workerId || (current.WorkerId is null && Job.State == JobState.Queued));
        if (!isCurrent)
        {
            RecordLate(attempt, workerId, result, now);
            await state.WriteStateAsync();
            if (JobStateMachine.IsTerminal(Job.State))
            {
                LetGoOnceIdle();
            }

            return;
        }

        if (Job.State == JobState.Queued)
        {
            // The claim's write was lost (its silo failed) but the worker ran the attempt: accept it as claimed.
            MarkRunning(current!, workerId);
        }

        RunSpans.ResultEvent(_span, attempt, workerId, result, now);
        current!.Result = result;
        current.EndedAt = now;
        current.End = result.End;
        var observed = ObserveProfileAsync(result, now); // not awaited: a slow or failing-over profile never delays a completion
        var retry = Decide(attempt, result.End, result.ExitCode);
        if (retry is { Retry: true } decision)
        {
            await RequeueAsync(decision, $"attempt {attempt} {Describe(result)}; retrying");
            return;
        }

        var final = JobStateMachine.FinalStateAfter(result.End);
        Move(final);
        Job.FinishedAt = now;
        ForesightMetrics.JobRan(PoolName, final, now - (current.StartedAt ?? now));
        Job.StatusReason = final == JobState.Succeeded ? null : Describe(result);
        await state.WriteStateAsync();
        await NotifyWorkflowAsync();
        LetGoOnceIdle(observed);
    }

    public async Task WorkerLost(int attempt, string workerId)
    {
        var current = Job.CurrentAttempt;
        if (current is null || current.Number != attempt || JobStateMachine.IsTerminal(Job.State)
            || (current.WorkerId is not null && current.WorkerId != workerId))
        {
            return;
        }

        if (current.WorkerId is null)
        {
            // Placed on the lost worker but never claimed: the attempt never started, so it is not used up.
            await EnsureEnqueuedAsync(current);
            return;
        }

        current.End = AttemptEnd.WorkerLost;
        current.EndedAt = clock.Now;
        current.Reason = $"worker {workerId} lost";
        var decision = Decide(attempt, AttemptEnd.WorkerLost, null);
        if (decision.Retry)
        {
            await RequeueAsync(decision, $"attempt {attempt}: worker {workerId} lost; retrying");
            return;
        }

        Move(JobState.Failed);
        Job.FinishedAt = clock.Now;
        Job.StatusReason = $"worker {workerId} lost on the last of {Job.Spec!.MaxAttempts} attempts";
        await state.WriteStateAsync();
        await NotifyWorkflowAsync();
        LetGoOnceIdle();
    }

    public async Task<StartPrediction?> PredictStart()
    {
        if (Job.State != JobState.Queued || Job.CurrentAttempt is not { WorkerId: null } waiting)
        {
            return null;
        }

        try
        {
            return await Scheduler().PredictStart(new JobAttempt(Job.JobId, waiting.Number)).WaitAsync(_options.HandOffTimeout);
        }
        catch (Exception e)
        {
            LogWatchdogFailed(logger, e, Job.JobId);
            return null;
        }
    }

    public Task<bool> IsAwaitingClaim(int attempt) =>
        Task.FromResult(Job.State == JobState.Queued && Job.CurrentAttempt is { WorkerId: null } a && a.Number == attempt);

    /// <summary>
    /// While a job waits or runs it checks, every <see cref="ForesightOptions.JobWatchPeriod"/>, that whoever should
    /// hold it does: a failure can lose a hand-over that was already acknowledged. Queued and unclaimed: its
    /// scheduler must know the attempt, else it is handed over again. Running: when the worker's agent has reported
    /// since well after the claim and does not list the attempt, the attempt is lost and the retry policy decides.
    /// </summary>
    private void Watch() =>
        _watchdog ??= this.RegisterGrainTimer(
            CheckHoldersAsync,
            new GrainTimerCreationOptions(_options.JobWatchPeriod, _options.JobWatchPeriod));

    private async Task CheckHoldersAsync(CancellationToken cancellation)
    {
        if (Job.State == JobState.Queued && Job.CurrentAttempt is { WorkerId: null } waiting)
        {
            try
            {
                if (!await Scheduler().Knows(new JobAttempt(Job.JobId, waiting.Number)))
                {
                    LogHandOverLost(logger, Job.JobId, waiting.Number, "its scheduler");
                    await EnsureEnqueuedAsync(waiting);
                }
            }
            catch (Exception e)
            {
                LogWatchdogFailed(logger, e, Job.JobId);
            }

            return;
        }

        if (Job.State != JobState.Running || Job.CurrentAttempt is not { WorkerId: { } workerId, StartedAt: { } started } attempt)
        {
            _watchdog?.Dispose();
            _watchdog = null;
            return;
        }

        try
        {
            var worker = await GrainFactory.GetGrain<IWorkerGrain>(workerId).GetActiveAttempts();
            var held = worker.Attempts.TryGetValue(Job.JobId, out var number) && number == attempt.Number;
            if (!held && worker.AgentReportedAt is { } reported && reported >= started + _options.ClaimGrace)
            {
                LogHandOverLost(logger, Job.JobId, attempt.Number, workerId);
                await WorkerLost(attempt.Number, workerId);
            }
        }
        catch (Exception e)
        {
            LogWatchdogFailed(logger, e, Job.JobId);
        }
    }

    /// <summary>
    /// For a job that declared no CPU or memory: its profile's p90 peak memory and cores (within the job limits), or
    /// null while the profile has too few runs or cannot be reached (the defaults are reserved then).
    /// </summary>
    private async Task<ResourceEstimateView?> EstimateResourcesAsync(JobSpec spec)
    {
        if (!spec.CpuDefaulted && !spec.MemoryDefaulted)
        {
            return null;
        }

        try
        {
            var estimate = await Profile(spec).EstimateResources().WaitAsync(_options.HandOffTimeout);
            if (estimate is null)
            {
                return null;
            }

            var cpu = spec.CpuDefaulted && estimate.Cpu is { } c ? Math.Clamp(c, JobLimits.MinCpu, JobLimits.MaxCpu) : (double?)null;
            var memory = spec.MemoryDefaulted && estimate.MemoryMb is { } m ? Math.Clamp(m, JobLimits.MinMemoryMb, JobLimits.MaxMemoryMb) : (long?)null;
            return cpu is null && memory is null ? null : estimate with { Cpu = cpu, MemoryMb = memory };
        }
        catch (Exception e)
        {
            LogProfileFailed(logger, e, Job.JobId);
            return null;
        }
    }

    /// <summary>A run that ended on its own (succeeded or failed) feeds the job's profile; a failure to do so only logs.
    /// The run is taken from arguments, so later changes to the job do not affect it.</summary>
    private async Task ObserveProfileAsync(ExecutionResult result, DateTimeOffset now)
    {
        if (result.End is not (AttemptEnd.Succeeded or AttemptEnd.Failed))
        {
            return;
        }

        try
        {
            var run = new ProfileRunRecord(now, result.Duration.TotalSeconds, result.PeakMemoryMb, result.CpuTime?.TotalSeconds);
            // No timeout of its own (a timer per job): nothing waits on it but the activation's let-go, and Orleans'
            // response timeout bounds a call that gets no answer.
            if (await handOffs.Observe(ProfileKey(Job.Spec!), run) is { } ignored)
            {
                LogProfileIgnored(logger, Job.JobId, ignored);
            }
        }
        catch (Exception e)
        {
            LogProfileFailed(logger, e, Job.JobId);
        }
    }

    private IProfileGrain Profile(JobSpec spec) => GrainFactory.ByKey<IProfileGrain>(ProfileKey(spec));

    private static string ProfileKey(JobSpec spec) => ProfileKeys.Grain(spec.Pool ?? PoolPartitions.DefaultPool, ProfileKeys.Of(spec));

    private RetryDecision Decide(int attempt, AttemptEnd end, int? exitCode) =>
        new RetryPolicy(Job.Spec!.MaxAttempts, RetryableExitCodes: Job.Spec.RetryableExitCodes).Decide(attempt, end, exitCode);

    private async Task RequeueAsync(RetryDecision decision, string reason)
    {
        var now = clock.Now;
        Move(JobState.Queued);
        var next = new AttemptRecord { Number = Job.CurrentAttempt!.Number + 1, QueuedAt = now };
        Job.Attempts.Add(next);
        Job.NotBefore = now + decision.Delay;
        Job.StatusReason = reason;
        await state.WriteStateAsync();
        LogRequeued(logger, Job.JobId, next.Number, reason);
        await EnsureEnqueuedAsync(next);
        Watch();
    }

    private void MarkRunning(AttemptRecord attempt, string workerId)
    {
        Move(JobState.Assigned);
        Move(JobState.Running);
        attempt.WorkerId = workerId;
        attempt.StartedAt = clock.Now;
        RunSpans.Claimed(Job, attempt, workerId, attempt.StartedAt.Value);
        RunSpans.ClaimEvent(_span, attempt.Number, workerId, attempt.StartedAt.Value);
    }

    private void Move(JobState to)
    {
        var from = Job.State;
        Job.State = JobStateMachine.Transition(from, to);
        ForesightMetrics.JobEntered(PoolName, from, to);
        if (JobStateMachine.IsTerminal(to))
        {
            ForesightTracing.End(_span, CicdAttributes.ResultOf(to.ToString()));
            _span = null;
            // Nothing is left to watch: an ended job's timer would only wake the activation once more to stop itself.
            _watchdog?.Dispose();
            _watchdog = null;
        }
    }

    private string PoolName => Job.Spec?.Pool ?? PoolPartitions.DefaultPool;

    /// <summary>
    /// An ended job's record is written and nothing changes it any more except a late result: its activation is let
    /// go once idle instead of staying in memory until Orleans' idle collection (15 minutes by default), and a later
    /// call (a read, a late result, a repeated report) activates it again from storage. Waits for the run's profile
    /// observation first, which still runs on this activation.
    /// </summary>
    private void LetGoOnceIdle(Task? pending = null)
    {
        if (pending is null || pending.IsCompleted)
        {
            DeactivateOnIdle();
            return;
        }

        _ = LetGoAfterAsync(pending);
    }

    private async Task LetGoAfterAsync(Task pending)
    {
        await pending; // ObserveProfileAsync catches and logs its own failures
        if (JobStateMachine.IsTerminal(Job.State))
        {
            DeactivateOnIdle();
        }
    }

    private void RecordLate(int attempt, string workerId, ExecutionResult result, DateTimeOffset now)
    {
        Job.LateResults.Add(new LateResult(attempt, workerId, result, now));
        if (Job.LateResults.Count > MaxLateResults)
        {
            Job.LateResults.RemoveAt(0);
        }

        LogLateResult(logger, Job.JobId, attempt, workerId);
    }

    /// <summary>
    /// Hands a queued attempt to its scheduler. The job is already durable, so a failed or slow hand-off (the
    /// scheduler's silo is failing over and calls to it wait until the silo is declared dead) is not the caller's
    /// problem: after <see cref="ForesightOptions.HandOffTimeout"/> a timer keeps trying until the scheduler has it
    /// (the scheduler ignores an attempt it already knows, so a late first hand-off does no harm).
    /// </summary>
    /// <remarks>With <paramref name="predict"/>, the scheduler also answers the attempt's start prediction in the same
    /// call (null when the hand-off failed or timed out, or the attempt no longer waits in its queue).</remarks>
    private async Task<StartPrediction?> EnsureEnqueuedAsync(AttemptRecord attempt, bool predict = false)
    {
        try
        {
            if (predict)
            {
                return (await Scheduler().EnqueueAndPredict([JobHandOff.ToQueued(Job, attempt)]).WaitAsync(_options.HandOffTimeout))[0];
            }

            await EnqueueAsync(attempt).WaitAsync(_options.HandOffTimeout);
        }
        catch (Exception e)
        {
            LogEnqueueRetry(logger, e, Job.JobId, attempt.Number);
            _enqueueRetry ??= this.RegisterGrainTimer(
                RetryEnqueueAsync,
                new GrainTimerCreationOptions(_options.ReconcilePeriod, _options.ReconcilePeriod) { KeepAlive = true });
        }

        return null;
    }

    private async Task RetryEnqueueAsync(CancellationToken cancellation)
    {
        if (Job.State == JobState.Queued && Job.CurrentAttempt is { WorkerId: null } waiting)
        {
            try
            {
                await EnqueueAsync(waiting);
            }
            catch (Exception e)
            {
                LogEnqueueRetry(logger, e, Job.JobId, waiting.Number);
                return;
            }
        }

        _enqueueRetry?.Dispose();
        _enqueueRetry = null;
    }

    private Task EnqueueAsync(AttemptRecord attempt) =>
        Scheduler().Enqueue(new[] { JobHandOff.ToQueued(Job, attempt) });

    private ISchedulerGrain Scheduler() => GrainFactory.ByKey<ISchedulerGrain>(JobHandOff.SchedulerOf(Job, _options));

    private Task NotifyWorkflowAsync() =>
        Job.Spec is { WorkflowId: { } run, WorkflowJobKey: { } key }
            ? GrainFactory.GetGrain<IWorkflowGrain>(run).JobEnded(key, Job.State, Job.Attempts.LastOrDefault(a => a.Result is not null)?.Result?.Outputs)
            : Task.CompletedTask;

    private static string Describe(ExecutionResult result) => result.End switch
    {
        AttemptEnd.Failed => result.ExitCode is { } code ? $"exited with code {code}" : $"failed: {result.Error}",
        AttemptEnd.TimedOut => result.Error ?? "timed out",
        AttemptEnd.Cancelled => "cancelled",
        AttemptEnd.WorkerLost => "worker lost",
        _ => "succeeded",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: attempt {Attempt} queued ({Reason})")]
    private static partial void LogRequeued(ILogger logger, string jobId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: attempt {Attempt} is not held by {Holder} as it should be; handing it over again")]
    private static partial void LogHandOverLost(ILogger logger, string jobId, int attempt, string holder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {JobId}: could not check its worker; will try again")]
    private static partial void LogWatchdogFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: attempt {Attempt} not yet handed to its scheduler; retrying")]
    private static partial void LogEnqueueRetry(ILogger logger, Exception exception, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: its profile could not be read or fed")]
    private static partial void LogProfileFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: run not recorded in its profile ({Reason})")]
    private static partial void LogProfileIgnored(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: late result for attempt {Attempt} from {WorkerId} recorded, not applied")]
    private static partial void LogLateResult(ILogger logger, string jobId, int attempt, string workerId);
}
