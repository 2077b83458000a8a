using System.Diagnostics;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Observability;
using Foresight.Abstractions.Workflows;

namespace Foresight.Grains.Observability;

/// <summary>
/// The spans of workflow runs and jobs (OpenTelemetry CI/CD conventions): a run is a SERVER span
/// <c>run {workflow}</c>, each job an INTERNAL span <c>job {name}</c> under it, and each attempt's queue wait
/// (enqueue to claim: placement and delivery to the agent included) a span under the job. The run and job spans
/// live in their grain's activation; if it is collected before the run or job ends, that span is not exported while
/// its children still name it as parent.
/// </summary>
public static class RunSpans
{
    public static Activity? StartRun(WorkflowSpec spec, string runId, string? parent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return ForesightTracing.StartDetached($"run {spec.Name}", ActivityKind.Server, parent, now,
            [new(CicdAttributes.PipelineName, spec.Name), new(CicdAttributes.PipelineRunId, runId)]);
    }

    public static Activity? StartJob(JobSpec spec, string jobId, string? parent, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return ForesightTracing.StartDetached($"job {spec.WorkflowJobKey ?? spec.Name}", ActivityKind.Internal, parent, now, JobTags(spec, jobId));
    }

    /// <summary>A traceparent the server accepts from a submitter: a parsable one, or none.</summary>
    public static string? Valid(string? traceParent) =>
        traceParent is { Length: <= 64 } && ActivityContext.TryParse(traceParent, null, out _) ? traceParent : null;

    /// <summary>The queue wait of an attempt, recorded when a worker claims it.</summary>
    public static void Claimed(JobRecord job, AttemptRecord attempt, string workerId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(attempt);
        if (job.Spec is not { TraceParent: { } parent } spec)
        {
            return;
        }

        ForesightTracing.Record("queue wait", parent, attempt.QueuedAt, now,
        [
            .. JobTags(spec, job.JobId), new(CicdAttributes.WorkerId, workerId), new(CicdAttributes.Attempt, attempt.Number),
        ]);
    }

    /// <summary>The scheduler chose a worker for an attempt: a zero-length <c>placement</c> span under the job span.</summary>
    public static void Placed(Foresight.Abstractions.Scheduling.QueuedJob job, string workerId, TimeSpan waited, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.TraceParent is { } parent)
        {
            ForesightTracing.Record("placement", parent, now, now,
            [
                new(CicdAttributes.WorkerId, workerId), new(CicdAttributes.Attempt, job.Attempt), new(QueueWaitTag, waited.TotalSeconds),
            ]);
        }
    }

    /// <summary>Seconds the attempt waited in the queue before it was placed.</summary>
    public const string QueueWaitTag = "foresight.queue.wait";

    /// <summary>An event on the job span: a worker claimed an attempt (the end of its queue wait).</summary>
    public static void ClaimEvent(Activity? job, int attempt, string workerId, DateTimeOffset now) =>
        job?.AddEvent(new ActivityEvent("claimed", now, new ActivityTagsCollection
        {
            [CicdAttributes.WorkerId] = workerId,
            [CicdAttributes.Attempt] = attempt,
        }));

    /// <summary>An event on the job span: the agent reported how an attempt ended (a retry follows, or the job ends).</summary>
    public static void ResultEvent(Activity? job, int attempt, string workerId, ExecutionResult result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(result);
        job?.AddEvent(new ActivityEvent("result", now, new ActivityTagsCollection
        {
            [CicdAttributes.WorkerId] = workerId,
            [CicdAttributes.Attempt] = attempt,
            [AttemptEndTag] = result.End.ToString(),
            [ExitCodeTag] = result.ExitCode,
        }));
    }

    /// <summary>How the attempt ended (<c>Succeeded</c>, <c>Failed</c>, <c>TimedOut</c>, <c>Cancelled</c>, …).</summary>
    public const string AttemptEndTag = "foresight.attempt.end";

    /// <summary>The process's exit code (OpenTelemetry's process attribute), absent when it did not exit by itself.</summary>
    public const string ExitCodeTag = "process.exit.code";

    public static IEnumerable<KeyValuePair<string, object?>> JobTags(JobSpec spec, string jobId)
    {
        ArgumentNullException.ThrowIfNull(spec);
        yield return new(CicdAttributes.TaskName, spec.WorkflowJobKey ?? spec.Name);
        yield return new(CicdAttributes.TaskRunId, jobId);
        yield return new(CicdAttributes.Pool, spec.Pool ?? Foresight.Abstractions.Scheduling.PoolPartitions.DefaultPool);
        if (spec.WorkflowId is { } run)
        {
            yield return new(CicdAttributes.PipelineRunId, run);
        }
    }
}
