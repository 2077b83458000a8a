using Foresight.Abstractions.Jobs;
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
/// One workflow run: submits each job once every job it needs has succeeded, skips (cancels) the jobs behind a
/// failure, and ends when every job has. Reentrant so a job reporting back while the run cancels it cannot
/// deadlock; writes are coalesced. Reconciles with its jobs on a timer in case a report was lost in a failure.
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
            return Run;
        }

        var check = DagValidator.Check([.. spec.Jobs.Select(j => (j.Key, j.Needs))]);
        if (!check.IsValid)
        {
            throw new InvalidJobSpecException("jobs", check.Error!);
        }

        foreach (var job in spec.Jobs)
        {
            if (JobSpecValidator.Check(job.Job) is { } problem)
            {
                throw new InvalidJobSpecException($"jobs.{job.Key}.{problem.Field}", problem.Reason);
            }
        }

        var runId = this.GetPrimaryKeyString();
        Run.RunId = runId;
        Run.Spec = spec;
        Run.StartedAt = _clock.Now;
        Run.Status = WorkflowStatus.Running;
        foreach (var job in spec.Jobs)
        {
            Run.JobIds[job.Key] = $"{runId}/{job.Key}";
            Run.JobStates[job.Key] = JobState.Pending;
        }

        StartReconciling();
        await AdvanceAsync();
        return Run;
    }

    public Task JobEnded(string jobKey, JobState state)
    {
        if (!Run.JobStates.TryGetValue(jobKey, out var known) || JobStateMachine.IsTerminal(known))
        {
            return Task.CompletedTask;
        }

        Run.JobStates[jobKey] = state;
        return AdvanceAsync();
    }

    public async Task<WorkflowRecord> Cancel(string reason)
    {
        if (Run.Status != WorkflowStatus.Running)
        {
            return Run;
        }

        Run.Status = WorkflowStatus.Cancelled;
        var submitted = new List<string>();
        foreach (var (key, jobState) in Run.JobStates.ToList())
        {
            if (jobState == JobState.Pending)
            {
                Run.JobStates[key] = JobState.Cancelled;
            }
            else if (!JobStateMachine.IsTerminal(jobState))
            {
                submitted.Add(key);
            }
        }

        await _writer.WriteAsync();
        await Task.WhenAll(submitted.Select(key => GrainFactory.GetGrain<IJobGrain>(Run.JobIds[key]).Cancel(reason)));
        return Run;
    }

    public Task<WorkflowRecord> GetState() => Task.FromResult(Run);

    private async Task AdvanceAsync()
    {
        var toSubmit = new List<WorkflowJobSpec>();
        if (Run.Status == WorkflowStatus.Running)
        {
            var step = WorkflowProgress.Next([.. Run.Spec!.Jobs.Select(j => (j.Key, j.Needs))], Run.JobStates);
            foreach (var key in step.Skip)
            {
                Run.JobStates[key] = JobState.Cancelled;
            }

            foreach (var key in step.Start)
            {
                Run.JobStates[key] = JobState.Queued;
            }

            toSubmit.AddRange(Run.Spec.Jobs.Where(j => step.Start.Contains(j.Key)));
        }

        if (WorkflowProgress.Succeeded(Run.JobStates) is { } succeeded && Run.FinishedAt is null)
        {
            Run.FinishedAt = _clock.Now;
            if (Run.Status == WorkflowStatus.Running)
            {
                Run.Status = succeeded ? WorkflowStatus.Succeeded : WorkflowStatus.Failed;
            }

            _reconcile?.Dispose();
            _reconcile = null;
        }

        // Durable first: after a failure the reconciler re-submits, and submitting a job twice is harmless.
        await _writer.WriteAsync();
        await Task.WhenAll(toSubmit.Select(SubmitAsync));
    }

    private Task SubmitAsync(WorkflowJobSpec job) =>
        GrainFactory.GetGrain<IJobGrain>(Run.JobIds[job.Key])
            .Submit(job.Job with { WorkflowId = Run.RunId, WorkflowJobKey = job.Key });

    private void StartReconciling() =>
        _reconcile ??= this.RegisterGrainTimer(
            ReconcileAsync,
            new GrainTimerCreationOptions(_options.ReconcilePeriod, _options.ReconcilePeriod) { Interleave = true });

    private async Task ReconcileAsync(CancellationToken cancellation)
    {
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
                    await SubmitAsync(Run.Spec!.Jobs.First(j => j.Key == key));
                }
                else if (JobStateMachine.IsTerminal(job.State))
                {
                    await JobEnded(key, job.State);
                }
            }
        }
        catch (Exception e)
        {
            LogReconcileFailed(_logger, e, Run.RunId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow {RunId}: reconciliation failed; will try again")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string runId);
}
