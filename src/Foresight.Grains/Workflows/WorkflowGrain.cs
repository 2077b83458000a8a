using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Observability;
using Foresight.Grains.Observability;
using Foresight.Abstractions.Workflows;
using Foresight.Grains.Hosting;
using Foresight.Grains.Storage;
using Foresight.Scheduling.Jobs;
using Foresight.Workflows.Dag;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Foresight.Grains.Workflows;

/// <summary>
/// One workflow run. The decisions (which job to release, skip or cancel, and how the run ended) are
/// <see cref="WorkflowProgress"/>'s; this grain applies them: it submits released jobs, cancels what fail-fast or a
/// run cancellation stops, waits for its concurrency group when it has one, and tells the group when it ends.
/// Reentrant so a job reporting back while the run cancels it cannot deadlock; writes are coalesced. Reconciles with
/// its jobs on a timer in case a report was lost in a failure.
/// </summary>
[Reentrant]
public sealed partial class WorkflowGrain : Grain, IWorkflowGrain
{
    private readonly IPersistentState<WorkflowRecord> _state;
    private readonly ForesightClock _clock;
    private readonly ForesightOptions _options;
    private readonly ILogger<WorkflowGrain> _logger;
    private readonly CoalescingWriter _writer;
    private IGrainTimer? _reconcile;
    private System.Diagnostics.Activity? _span;
    private IReadOnlyList<RunJob>? _jobs;
    private WorkflowStatus? _indexedStatus;

    public WorkflowGrain(
        [PersistentState("workflow", "workflows")] IPersistentState<WorkflowRecord> state,
        ForesightClock clock,
        IOptions<ForesightOptions> options,
        ILogger<WorkflowGrain> logger)
    {
        _state = state;
        _clock = clock;
        _options = options.Value;
        _logger = logger;
        _writer = new CoalescingWriter(_state.WriteStateAsync);
    }

    private WorkflowRecord Run => _state.State;

    private IReadOnlyList<RunJob> Jobs => _jobs ??= [.. Run.Spec!.Jobs.Select(j => new RunJob(j.Key, j.Needs, j.Condition, j.ContinueOnError, j.MatrixGroup, j.FailFast, j.MaxParallel))];

    private RunSnapshot Snapshot => new(Run.JobStates, Run.Skipped, Run.CancelRequested)
    {
        Outputs = Run.JobOutputs.ToDictionary(o => o.Key, o => (IReadOnlyDictionary<string, string>)o.Value, StringComparer.Ordinal),
    };

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (Run.Status == WorkflowStatus.Running)
        {
            StartReconciling();
        }

        return Task.CompletedTask;
    }

    public async Task<WorkflowRecord> Start(WorkflowSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (Run.Spec is not null)
        {
            if (Run is { Status: WorkflowStatus.Pending, CancelRequested: false, Spec.Concurrency: not null })
            {
                await EnterGroupAsync(); // a retried start after a failure between our write and the group's answer
            }

            return Run;
        }

        var runId = this.GetPrimaryKeyString();
        if ((runId.Contains('/', StringComparison.Ordinal) ? "must not contain '/'" : JobIdRules.Check(runId)) is { } badId)
        {
            throw new InvalidJobSpecException("id", badId);
        }

        Validate(spec);
        _span = RunSpans.StartRun(spec, runId, RequestTrace.Current, _clock.Now);
        Run.RunId = runId;
        Run.Spec = spec;
        Run.Status = WorkflowStatus.Pending;
        Run.CreatedAt = _clock.Now;
        foreach (var job in spec.Jobs)
        {
            Run.JobIds[job.Key] = JobIdRules.ForWorkflowJob(runId, job.Key);
            Run.JobStates[job.Key] = JobState.Pending;
        }

        await IndexAsync();

        if (spec.Concurrency is null)
        {
            await BeginAsync();
        }
        else
        {
            await _writer.WriteAsync();
            await EnterGroupAsync();
        }

        return Run;
    }

    public Task<bool> Release() => BeginAsync();

    public Task JobEnded(string jobKey, JobState state, IReadOnlyDictionary<string, string>? outputs = null)
    {
        if (!Run.JobStates.TryGetValue(jobKey, out var known) || JobStateMachine.IsTerminal(known) || !JobStateMachine.IsTerminal(state))
        {
            return Task.CompletedTask;
        }

        Run.JobStates[jobKey] = state;
        if (outputs is { Count: > 0 })
        {
            Run.JobOutputs[jobKey] = new Dictionary<string, string>(outputs, StringComparer.Ordinal);
        }

        return AdvanceAsync([]);
    }

    public async Task<WorkflowRecord> Cancel(string reason)
    {
        if (Run.Spec is null || Run.FinishedAt is not null || Run.CancelRequested)
        {
            return Run;
        }

        reason = string.IsNullOrWhiteSpace(reason) ? "cancelled" : reason;
        Run.CancelRequested = true;
        Run.CancelReason = reason;
        if (Run.Status == WorkflowStatus.Pending)
        {
            // Still waiting for its concurrency group: nothing ran, so the run ends here.
            foreach (var key in Run.JobStates.Keys.ToList())
            {
                Run.JobStates[key] = JobState.Cancelled;
                Run.JobReasons[key] = $"cancelled before the run started: {reason}";
            }

            Finish(WorkflowOutcome.Cancelled);
            await _writer.WriteAsync();
            await IndexAsync();
            await LeaveGroupAsync();
            return Run;
        }

        var toCancel = WorkflowProgress.ToCancel(Jobs, Snapshot);
        await AdvanceAsync([.. toCancel.Select(key => (key, $"cancelled: {reason}"))]);
        return Run;
    }

    public Task<WorkflowRecord> GetState() => Task.FromResult(Run);

    private static void Validate(WorkflowSpec spec)
    {
        var check = DagValidator.Check([.. spec.Jobs.Select(j => (j.Key, j.Needs))]);
        if (!check.IsValid)
        {
            throw new InvalidJobSpecException("jobs", check.Error!);
        }

        foreach (var job in spec.Jobs)
        {
            if (JobSpecValidator.Check(job.Job) is { } problem)
            {
                throw problem.ToException($"jobs.{job.Key}.");
            }

            if (JobCondition.Parse(job.Condition, out var error) is null)
            {
                throw new InvalidJobSpecException($"jobs.{job.Key}.condition", error!);
            }

            if (job.MaxParallel is < 1)
            {
                throw new InvalidJobSpecException($"jobs.{job.Key}.maxParallel", $"must be at least 1 (was {job.MaxParallel})");
            }
        }

        if (spec.Concurrency is { } concurrency && string.IsNullOrWhiteSpace(concurrency.Group))
        {
            throw new InvalidJobSpecException("concurrency.group", "must not be empty");
        }
    }

    private async Task EnterGroupAsync()
    {
        var concurrency = Run.Spec!.Concurrency!;
        var decision = await Group().Enter(Run.RunId, concurrency.CancelInProgress);
        if (decision.Start)
        {
            await BeginAsync();
        }

        // The runs this one replaces (waiting) or stops (cancel-in-progress); ending, they free the group for this one.
        var reason = $"superseded by run {Run.RunId} in concurrency group '{concurrency.Group}'";
        await Task.WhenAll(decision.Cancel.Where(id => id != Run.RunId).Select(id => GrainFactory.GetGrain<IWorkflowGrain>(id).Cancel(reason)));
    }

    /// <summary>Pending → Running: released by the group (or at once without one). False when the run no longer waits.</summary>
    private async Task<bool> BeginAsync()
    {
        if (Run.Spec is null || Run.CancelRequested || Run.FinishedAt is not null)
        {
            return false;
        }

        if (Run.Status != WorkflowStatus.Pending)
        {
            return true;
        }

        Run.Status = WorkflowStatus.Running;
        Run.StartedAt = _clock.Now;
        StartReconciling();
        await AdvanceAsync([]);
        return true;
    }

    /// <summary>Applies the next decisions of the run semantics, then submits and cancels jobs (durable first).</summary>
    private async Task AdvanceAsync(IReadOnlyList<(string Key, string Reason)> cancels)
    {
        var toSubmit = new List<WorkflowJobSpec>();
        var toCancel = new List<(string Key, string Reason)>();
        var finished = false;
        if (Run.Status == WorkflowStatus.Running)
        {
            foreach (var (key, reason) in cancels)
            {
                if (Run.JobReasons.TryAdd(key, reason))
                {
                    toCancel.Add((key, reason));
                }
            }

            var step = WorkflowProgress.Next(Jobs, Snapshot);
            foreach (var key in step.Skip)
            {
                Run.JobStates[key] = JobState.Cancelled;
                Run.Skipped.Add(key);
                Run.JobReasons[key] = Run.CancelRequested ? "skipped: the run was cancelled" : $"skipped: if {Spec(key).Condition} is false";
            }

            foreach (var key in step.CancelPending)
            {
                Run.JobStates[key] = JobState.Cancelled;
                Run.JobReasons[key] = FailFastReason(key);
            }

            foreach (var key in step.Start)
            {
                Run.JobStates[key] = JobState.Queued;
                toSubmit.Add(Spec(key));
            }

            foreach (var key in step.CancelRunning)
            {
                if (Run.JobReasons.TryAdd(key, FailFastReason(key)))
                {
                    toCancel.Add((key, Run.JobReasons[key]));
                }
            }

            if (WorkflowProgress.Outcome(Jobs, Snapshot) is { } outcome)
            {
                Finish(outcome);
                finished = true;
            }
        }

        // Durable first: after a failure the reconciler re-submits, and submitting or cancelling a job twice is harmless.
        await _writer.WriteAsync();
        await IndexAsync();
        await Task.WhenAll(toSubmit.Select(SubmitAsync));
        await Task.WhenAll(toCancel.Select(c => GrainFactory.GetGrain<IJobGrain>(Run.JobIds[c.Key]).Cancel(c.Reason)));
        if (finished)
        {
            await LeaveGroupAsync();
        }
    }

    /// <summary>Tells the run index the run's status when it changed since this activation last told it (the first time:
    /// adds the run and keeps its segment). A failure is logged: the next change or reconciliation tells it again.</summary>
    private async Task IndexAsync()
    {
        var status = Run.Status;
        if (Run.Spec is null || (_indexedStatus == status && Run.IndexSegment is not null))
        {
            return;
        }

        try
        {
            var summary = RunSummary.Of(Run, Run.CreatedAt ?? Run.StartedAt ?? _clock.Now);
            if (Run.IndexSegment is { } segment)
            {
                await GrainFactory.GetGrain<IRunSegmentGrain>(segment).Put(summary);
            }
            else
            {
                Run.IndexSegment = await GrainFactory.GetGrain<IRunIndexGrain>(IRunIndexGrain.Key).Add(summary);
                await _writer.WriteAsync();
            }

            _indexedStatus = status;
        }
#pragma warning disable CA1031 // the index is told again at the run's next change; the run itself goes on
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogIndexFailed(_logger, e, Run.RunId);
        }
    }

    private void Finish(WorkflowOutcome outcome)
    {
        Run.Status = outcome switch
        {
            WorkflowOutcome.Succeeded => WorkflowStatus.Succeeded,
            WorkflowOutcome.Failed => WorkflowStatus.Failed,
            _ => WorkflowStatus.Cancelled,
        };
        Run.FinishedAt = _clock.Now;
        ForesightTracing.End(_span, CicdAttributes.ResultOf(Run.Status.ToString()));
        _span = null;
        _reconcile?.Dispose();
        _reconcile = null;
    }

    private string FailFastReason(string key) => $"cancelled: fail-fast (a job of matrix '{Spec(key).MatrixGroup}' failed)";

    private WorkflowJobSpec Spec(string key) => Run.Spec!.Jobs.First(j => j.Key == key);

    private IConcurrencyGroupGrain Group() => GrainFactory.GetGrain<IConcurrencyGroupGrain>(ConcurrencyGroupGrain.KeyOf(Run.Spec!));

    private async Task LeaveGroupAsync()
    {
        if (Run.Spec?.Concurrency is null)
        {
            return;
        }

        try
        {
            await Group().RunEnded(Run.RunId);
        }
#pragma warning disable CA1031 // the group checks on its running run when the next one enters
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogLeaveFailed(_logger, e, Run.RunId);
        }
    }

    private Task SubmitAsync(WorkflowJobSpec job)
    {
        var spec = job.Job with { WorkflowId = Run.RunId, WorkflowJobKey = job.Key, TraceParent = _span?.Id ?? job.Job.TraceParent };
        if (spec.Context is not null && job.Needs.Count > 0)
        {
            // The needs context from what the run recorded as the needed jobs ended (no call to their grains, which
            // may be the very caller of JobEnded).
            spec = spec with
            {
                Context = NeedsContext.With(spec.Context, job.Needs.Select(key => (
                    NeedsContext.JobIdOf(key),
                    Run.Skipped.Contains(key) ? "skipped" : NeedsContext.Result(Run.JobStates.GetValueOrDefault(key)),
                    (IReadOnlyDictionary<string, string>?)Run.JobOutputs.GetValueOrDefault(key)))),
            };
        }

        return GrainFactory.GetGrain<IJobGrain>(Run.JobIds[job.Key]).Submit(spec);
    }


    private void StartReconciling() =>
        _reconcile ??= this.RegisterGrainTimer(
            ReconcileAsync,
            new GrainTimerCreationOptions(_options.ReconcilePeriod, _options.ReconcilePeriod) { Interleave = true });

    private async Task ReconcileAsync(CancellationToken cancellation)
    {
        await IndexAsync();
        try
        {
            foreach (var (key, known) in Run.JobStates.ToList())
            {
                if (known == JobState.Pending || JobStateMachine.IsTerminal(known))
                {
                    continue;
                }

                var job = await GrainFactory.GetGrain<IJobGrain>(Run.JobIds[key]).GetState();
                if (job.Spec is null)
                {
                    // The submit was lost before the job accepted it.
                    await SubmitAsync(Spec(key));
                }
                else if (JobStateMachine.IsTerminal(job.State))
                {
                    await JobEnded(key, job.State, job.Attempts.LastOrDefault(a => a.Result is not null)?.Result?.Outputs);
                }
            }
        }
        catch (Exception e)
        {
            LogReconcileFailed(_logger, e, Run.RunId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {RunId}: updating the run index failed; will try again at the next change")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {RunId}: reconciliation failed; will try again")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {RunId}: telling its concurrency group it ended failed; the group checks again when the next run enters")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string runId);
}
