using System.Diagnostics;

namespace Foresight.Abstractions.Observability;

/// <summary>
/// Span attribute names of the OpenTelemetry CI/CD semantic conventions: a workflow run is a pipeline run, a job a
/// task run, an agent a worker.
/// </summary>
public static class CicdAttributes
{
    public const string PipelineName = "cicd.pipeline.name";
    public const string PipelineRunId = "cicd.pipeline.run.id";
    public const string PipelineResult = "cicd.pipeline.result";
    public const string TaskName = "cicd.pipeline.task.name";
    public const string TaskRunId = "cicd.pipeline.task.run.id";
    public const string TaskRunResult = "cicd.pipeline.task.run.result";
    public const string WorkerId = "cicd.worker.id";

    /// <summary>Foresight's own: the worker pool a job runs in.</summary>
    public const string Pool = "foresight.pool";

    /// <summary>Foresight's own: the attempt number of a job's attempt.</summary>
    public const string Attempt = "foresight.attempt";

    /// <summary>The result attribute of a span: the pipeline's for a run span, the task run's for the others.</summary>
    public static string Result(Activity span)
    {
        ArgumentNullException.ThrowIfNull(span);
        return span.GetTagItem(TaskRunId) is null ? PipelineResult : TaskRunResult;
    }

    /// <summary>The CI/CD result of a job's final state name (Succeeded, Failed, Cancelled, TimedOut).</summary>
    public static string ResultOf(string state) => state switch
    {
        "Succeeded" => "success",
        "Failed" => "failure",
        "Cancelled" => "cancellation",
        "TimedOut" => "timeout",
        _ => "error",
    };
}
