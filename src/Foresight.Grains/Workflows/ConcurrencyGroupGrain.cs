using Foresight.Abstractions.Workflows;
using Foresight.Grains.Storage;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Foresight.Grains.Workflows;

/// <summary>
/// One concurrency group: the run holding it and at most one run waiting, as on GitHub. Reentrant, because the runs
/// it releases and cancels call back (a released run that ends at once reports its end during the release); every
/// decision is taken synchronously on the current state and written before anyone is told.
/// </summary>
[Reentrant]
public sealed partial class ConcurrencyGroupGrain : Grain, IConcurrencyGroupGrain
{
    private readonly IPersistentState<ConcurrencyGroupRecord> _state;
    private readonly ILogger<ConcurrencyGroupGrain> _logger;
    private readonly CoalescingWriter _writer;

    public ConcurrencyGroupGrain(
        [PersistentState("concurrency", "workflows")] IPersistentState<ConcurrencyGroupRecord> state,
        ILogger<ConcurrencyGroupGrain> logger)
    {
        _state = state;
        _logger = logger;
        _writer = new CoalescingWriter(_state.WriteStateAsync);
    }

    private ConcurrencyGroupRecord Group => _state.State;

    /// <summary>The grain key of a run's group: scoped by repository, as GitHub scopes groups, when the run has one.</summary>
    public static string KeyOf(WorkflowSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var group = spec.Concurrency?.Group ?? throw new ArgumentException("the run has no concurrency group", nameof(spec));
        return spec.Trigger?.Repository is { Length: > 0 } repository ? $"{repository}:{group}" : group;
    }

    public async Task<ConcurrencyDecision> Enter(string runId, bool cancelInProgress)
    {
        if (Group.Running == runId || Group.Pending == runId)
        {
            return new ConcurrencyDecision(Group.Running == runId, []);
        }

        await RepairAsync();
        if (Group.Running == runId || Group.Pending == runId)
        {
            return new ConcurrencyDecision(Group.Running == runId, []);
        }

        var cancel = new List<string>();
        if (Group.Pending is { } older)
        {
            cancel.Add(older); // a newer waiting run replaces the older one
        }

        bool start;
        if (Group.Running is null)
        {
            Group.Running = runId;
            Group.Pending = null;
            start = true;
        }
        else
        {
            Group.Pending = runId;
            if (cancelInProgress)
            {
                cancel.Add(Group.Running);
            }

            start = false;
        }

        await _writer.WriteAsync();
        return new ConcurrencyDecision(start, cancel);
    }

    public async Task RunEnded(string runId)
    {
        if (Group.Pending == runId)
        {
            Group.Pending = null;
            await _writer.WriteAsync();
            return;
        }

        if (Group.Running != runId)
        {
            return;
        }

        Group.Running = null;
        while (Group.Running is null && Group.Pending is { } next)
        {
            Group.Pending = null;
            Group.Running = next;
            await _writer.WriteAsync();
            bool started;
            try
            {
                started = await GrainFactory.GetGrain<IWorkflowGrain>(next).Release();
            }
#pragma warning disable CA1031 // the run keeps the group; the next Enter checks on it and releases it again
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogReleaseFailed(_logger, e, this.GetPrimaryKeyString(), next);
                break;
            }

            if (!started && Group.Running == next)
            {
                Group.Running = null; // it was cancelled while waiting: the group is free for the one after it
            }
        }

        await _writer.WriteAsync();
    }

    public Task<ConcurrencyGroupRecord> GetState() => Task.FromResult(Group);

    /// <summary>
    /// Checks on the run holding the group in case a message was lost to a failure: a run that ended frees the group;
    /// a run still waiting for its release is released again.
    /// </summary>
    private async Task RepairAsync()
    {
        if (Group.Running is not { } running)
        {
            return;
        }

        var run = await GrainFactory.GetGrain<IWorkflowGrain>(running).GetState();
        if (run.Spec is null || run.FinishedAt is not null)
        {
            await RunEnded(running);
        }
        else if (run.Status == WorkflowStatus.Pending && Group.Running == running)
        {
            await GrainFactory.GetGrain<IWorkflowGrain>(running).Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Concurrency group {Group}: releasing run {RunId} failed; the next run to enter will retry")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string group, string runId);
}
