using Foresight.Scheduling.Jobs;

namespace Foresight.Abstractions.Workflows;

/// <summary>The state of a WorkflowGrain.</summary>
[GenerateSerializer]
public sealed class WorkflowRecord
{
    [Id(0)] public string RunId { get; set; } = "";
    [Id(1)] public WorkflowSpec? Spec { get; set; }
    [Id(2)] public Dictionary<string, string> JobIds { get; set; } = [];
    [Id(3)] public Dictionary<string, JobState> JobStates { get; set; } = [];
    [Id(4)] public WorkflowStatus Status { get; set; } = WorkflowStatus.Pending;
    [Id(5)] public DateTimeOffset? StartedAt { get; set; }
    [Id(6)] public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>Where a workflow run is.</summary>
public enum WorkflowStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
