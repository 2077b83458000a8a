using Foresight.Abstractions.Workflows;
using Foresight.Scheduling.Jobs;

namespace Foresight.Abstractions.Api;

/// <summary>What the HTTP API shows of a workflow run (<c>GET /api/workflows/{id}</c>, and the answer to <c>POST /api/workflows</c>).</summary>
public sealed record WorkflowRunView(
    string RunId,
    string Name,
    string Status,
    IReadOnlyList<WorkflowJobView> Jobs,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Event = null,
    string? Source = null)
{
    /// <summary>Whether the run can change no more (Succeeded, Failed, Cancelled).</summary>
    public bool IsTerminal => Status is "Succeeded" or "Failed" or "Cancelled";

    /// <summary>The view of a run's record; a job's id is shown once the run has released it (its job exists).</summary>
    public static WorkflowRunView From(WorkflowRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var jobs = (record.Spec?.Jobs ?? []).Select(job =>
        {
            var state = record.JobStates.GetValueOrDefault(job.Key, JobState.Pending);
            var released = state != JobState.Pending && record.JobIds.TryGetValue(job.Key, out var id) ? id : null;
            return new WorkflowJobView(job.Key, released, state.ToString(), job.Needs);
        }).ToList();
        return new WorkflowRunView(
            record.RunId,
            record.Spec?.Name ?? "",
            record.Status.ToString(),
            jobs,
            record.StartedAt,
            record.FinishedAt,
            record.Spec?.Trigger?.Event,
            record.Spec?.Source);
    }
}

/// <summary>One job of a run: its key in the workflow, its job id (null until released) and state.</summary>
public sealed record WorkflowJobView(string Key, string? JobId, string State, IReadOnlyList<string> Needs);

/// <summary>The answer to a GitHub webhook delivery: which runs it started (none for ping or when no file matches).</summary>
public sealed record WebhookAccepted(string Event, string? DeliveryId, IReadOnlyList<string> RunIds, string? Message = null);

/// <summary>The body of <c>POST /api/pools</c> (admin): declares a pool that jobs may be submitted to.</summary>
public sealed record PoolDeclaration(string? Name = null);

/// <summary>A worker pool (<c>GET /api/pools</c>).</summary>
public sealed record PoolView(string Name, int Workers, int Healthy, int Busy, int Queued, int Running);

/// <summary>A worker (<c>GET /api/workers</c>).</summary>
public sealed record WorkerView(
    string Id,
    string Pool,
    IReadOnlyList<string> Labels,
    string State,
    double Cpu,
    long MemoryMb,
    int RunningJobs,
    DateTimeOffset? LastHeartbeat,
    string? HostName);
