using Foresight.Scheduling.Jobs;

namespace Foresight.Abstractions.Workflows;

/// <summary>One workflow run (key: run id): releases each job when the jobs it needs have ended and its condition holds.</summary>
public interface IWorkflowGrain : IGrainWithStringKey
{
    /// <summary>Validates the DAG and conditions and starts the jobs that need nothing (or waits for its concurrency group). Idempotent for the same run id.</summary>
    Task<WorkflowRecord> Start(WorkflowSpec spec);

    /// <summary>From a job of this run: it reached a terminal state, with the outputs its last attempt evaluated
    /// (for the <c>needs</c> context of the jobs after it).</summary>
    Task JobEnded(string jobKey, JobState state, IReadOnlyDictionary<string, string>? outputs = null);

    Task<WorkflowRecord> Cancel(string reason);

    /// <summary>From the run's concurrency group: the run may start now. False when it no longer waits (it was cancelled meanwhile).</summary>
    Task<bool> Release();

    [ReadOnly]
    Task<WorkflowRecord> GetState();
}
