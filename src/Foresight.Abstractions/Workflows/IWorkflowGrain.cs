using Foresight.Scheduling.Jobs;

namespace Foresight.Abstractions.Workflows;

/// <summary>One workflow run (key: run id): releases each job when the jobs it needs have succeeded.</summary>
public interface IWorkflowGrain : IGrainWithStringKey
{
    /// <summary>Validates the DAG and starts the jobs that need nothing. Idempotent for the same run id.</summary>
    Task<WorkflowRecord> Start(WorkflowSpec spec);

    /// <summary>From a job of this run: it reached a terminal state.</summary>
    Task JobEnded(string jobKey, JobState state);

    Task<WorkflowRecord> Cancel(string reason);

    [ReadOnly]
    Task<WorkflowRecord> GetState();
}
