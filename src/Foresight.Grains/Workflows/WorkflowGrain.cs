using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Observability;
using Foresight.Grains.Observability;
using Foresight.Abstractions.Workflows;
using Foresight.Grains.Hosting;
using Foresight.Grains.Storage;
using Foresight.Scheduling.Jobs;
using Foresight.Workflows.Dag;
using Foresight.Workflows.Definitions;
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

    private IReadOnlyList<RunJob> Jobs => _jobs ??= [.. Run.Spec!.Jobs.Select(j => new RunJob(j.Key, j.Needs, j.Condition, j.ContinueOnError, j.MatrixGroup, j.FailFast, j.MaxParallel) { Call = j.CallOutputs is not null })];

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

            var step = Decide();
            // Released jobs the run settles itself, then decides again: a run-time matrix is replaced by its expansions
            // (or fails), and the job that called a reusable workflow ends with the called jobs' result and outputs.
            while (step.Start.Where(key => Spec(key) is { RunTimeMatrix: not null } or { CallOutputs: not null }).ToList() is { Count: > 0 } settled)
            {
                foreach (var key in settled)
                {
                    if (Spec(key).RunTimeMatrix is not null)
                    {
                        ExpandRunTimeMatrix(key);
                    }
                    else
                    {
                        EndCall(key);
                    }
                }

                step = Decide();
            }

            foreach (var key in step.Start)
            {
                Run.JobStates[key] = JobState.Queued;
                toSubmit.Add(Spec(key));
            }

            foreach (var key in step.CancelRunning)
            {
                if (Run.JobReasons.TryAdd(key, FailFastReason(step, key)))
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

    /// <summary>The next decisions, with the skipped and fail-fast-cancelled jobs already ended.</summary>
    private WorkflowStep Decide()
    {
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
            Run.JobReasons[key] = FailFastReason(step, key);
        }

        return step;
    }

    /// <summary>
    /// A placeholder whose needs have ended and whose condition holds: its matrix is evaluated with their results and
    /// outputs and it is replaced by one pending job per combination (the jobs that needed it now need them all). A
    /// placeholder of a call whose inputs (or matrix) read needs is replaced by the called jobs and the caller's job (the
    /// jobs that needed it need the caller's job). When the expansion cannot be made (the expression fails, gives no
    /// map, more than 256 jobs, …) the placeholder fails with the reason.
    /// </summary>
    private void ExpandRunTimeMatrix(string key)
    {
        var placeholder = Spec(key);
        var expansion = WorkflowExpander.ExpandRunTimeMatrix(placeholder.RunTimeMatrix!, Run.RunId, NeedsContext.Build(NeedsOf(placeholder.Needs)).ToJsonString());
        var made = expansion.Jobs.Select(j => j.Key).ToHashSet(StringComparer.Ordinal);
        // Each job waits for the placeholder's needs (as the run has them now) and for the jobs of the expansion it needs.
        var jobs = expansion.Jobs.Select(j => WorkflowSpecMapper.MapJob(j, Run.RunId, placeholder.Job.SecretScope, Run.Spec?.Name) with
        {
            Needs = [.. j.Needs.Where(made.Contains).Concat(placeholder.Needs).Distinct(StringComparer.Ordinal)],
        }).ToList();
        var error = expansion.Error
            ?? jobs.Select(j => j.CallOutputs is null && JobSpecValidator.Check(j.Job) is { } problem ? $"jobs.{j.Key}.{problem.Field} {problem.Reason}" : null).FirstOrDefault(p => p is not null)
            ?? jobs.Find(j => j.Key != key && Run.JobStates.ContainsKey(j.Key)) switch { { } clash => $"the expansion gives job '{clash.Key}', which the run already has", _ => null };
        if (error is not null || jobs.Count == 0)
        {
            Run.JobStates[key] = JobState.Failed;
            Run.JobReasons[key] = error ?? $"job '{key}': the matrix gives no job";
            return;
        }

        var keys = jobs.Select(j => j.Key).ToList();
        var heads = expansion.Heads ?? keys;
        Run.Spec = Run.Spec! with
        {
            Jobs = [.. Run.Spec.Jobs.SelectMany(j => j.Key == key
                ? jobs
                : [j.Needs.Contains(key) ? j with { Needs = [.. j.Needs.SelectMany(n => n == key ? heads : [n])] } : j])],
        };
        Run.JobStates.Remove(key);
        Run.JobIds.Remove(key);
        foreach (var job in keys)
        {
            Run.JobIds[job] = JobIdRules.ForWorkflowJob(Run.RunId, job);
            Run.JobStates[job] = JobState.Pending;
        }

        _jobs = null;
    }

    /// <summary>The job that called a reusable workflow, once the called jobs have ended: its state from theirs, its
    /// outputs from the workflow's outputs over their <c>jobs</c> context (an output that fails fails the job).</summary>
    private void EndCall(string key)
    {
        var call = Spec(key);
        var called = call.Needs.Where(n => n.StartsWith(key + " / ", StringComparison.Ordinal)).Select(Spec).ToList();
        var (state, skipped) = CalledWorkflow.Result([.. called.Select(j => (Run.JobStates[j.Key], Run.Skipped.Contains(j.Key), j.ContinueOnError))]);
        Run.JobStates[key] = state;
        if (skipped)
        {
            Run.Skipped.Add(key);
            Run.JobReasons[key] = "skipped: no job of the called workflow ran";
            return;
        }

        var (outputs, error) = CalledWorkflow.Outputs(call.CallOutputs!, call.Job.Context, NeedsContext.Build(NeedsOf(called.Select(j => j.Key))));
        if (error is not null)
        {
            Run.JobStates[key] = JobState.Failed;
            Run.JobReasons[key] = error;
        }
        else if (state != JobState.Succeeded)
        {
            Run.JobReasons[key] = $"{state.ToString().ToLowerInvariant()}: a job of the called workflow did not succeed";
        }

        if (outputs.Count > 0)
        {
            Run.JobOutputs[key] = new Dictionary<string, string>(outputs, StringComparer.Ordinal);
        }
    }

    /// <summary>The <c>needs</c> context of a job from what the run recorded as the needed jobs ended (no call to their
    /// grains, which may be the very caller of JobEnded).</summary>
    private IEnumerable<(string Id, string Result, IReadOnlyDictionary<string, string>? Outputs)> NeedsOf(IEnumerable<string> needs) => needs.Select(key => (
        NeedsContext.JobIdOf(key),
        Run.Skipped.Contains(key) ? "skipped" : NeedsContext.Result(Run.JobStates.GetValueOrDefault(key)),
        (IReadOnlyDictionary<string, string>?)Run.JobOutputs.GetValueOrDefault(key)));

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

    private string FailFastReason(WorkflowStep step, string key) =>
        $"cancelled: fail-fast (a job of matrix '{step.FailFastGroups.GetValueOrDefault(key) ?? Spec(key).MatrixGroup}' failed)";

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
            spec = spec with { Context = NeedsContext.With(spec.Context, NeedsOf(job.Needs)) };
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
