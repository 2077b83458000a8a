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

    /// <summary>Jobs that ended without running because their condition was false (their state is Cancelled).</summary>
    [Id(7)] public HashSet<string> Skipped { get; set; } = [];

    /// <summary>Why a job ended without succeeding when the run decided it: skipped, fail-fast, run cancelled.</summary>
    [Id(8)] public Dictionary<string, string> JobReasons { get; set; } = [];

    /// <summary>The run was cancelled; jobs whose condition still holds (always(), cancelled()) may still run, and
    /// <see cref="Status"/> becomes Cancelled (or Failed) when the last job ends.</summary>
    [Id(9)] public bool CancelRequested { get; set; }

    [Id(10)] public string? CancelReason { get; set; }

    /// <summary>The outputs of the jobs that ended, by key (<c>jobs.&lt;id&gt;.outputs</c>), for the <c>needs</c> context.</summary>
    [Id(11)] public Dictionary<string, Dictionary<string, string>> JobOutputs { get; set; } = [];

    /// <summary>The run index segment (<see cref="IRunSegmentGrain"/>) that lists this run; null until it is indexed.</summary>
    [Id(12)] public int? IndexSegment { get; set; }

    /// <summary>When the run was started through <see cref="IWorkflowGrain.Start"/> (before it may wait for its group).</summary>
    [Id(13)] public DateTimeOffset? CreatedAt { get; set; }
}

/// <summary>Where a workflow run is. Pending: waiting for its concurrency group.</summary>
public enum WorkflowStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
