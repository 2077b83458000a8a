using System.Diagnostics;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Observability;
using Foresight.Abstractions.Workers;
using Foresight.Scheduling.Jobs;

namespace Foresight.Client.Agents;

/// <summary>
/// The agent's span of one attempt: <c>execute {job}</c>, a child of the job's span whose traceparent came with the
/// assignment. It is the current activity while the attempt runs, so the HTTP calls made meanwhile (log uploads)
/// carry it back to the server in their <c>traceparent</c> header.
/// </summary>
internal static class AgentSpans
{
    public static Activity? StartExecution(Assignment assignment, string workerId)
    {
        if (assignment.Spec.TraceParent is null || !ForesightTracing.Source.HasListeners())
        {
            return null;
        }

        var parent = ActivityContext.TryParse(assignment.Spec.TraceParent, null, out var parsed) ? parsed : default;
        return ForesightTracing.Source.StartActivity(
            $"execute {assignment.Spec.WorkflowJobKey ?? assignment.Spec.Name}",
            ActivityKind.Consumer,
            parent,
            [
                new(CicdAttributes.TaskName, assignment.Spec.WorkflowJobKey ?? assignment.Spec.Name),
                new(CicdAttributes.TaskRunId, assignment.JobId),
                new(CicdAttributes.WorkerId, workerId),
                new(CicdAttributes.Attempt, assignment.Attempt),
            ]);
    }

    public static void End(Activity? span, ExecutionResult result)
    {
        if (span is null)
        {
            return;
        }

        var outcome = result.End switch
        {
            AttemptEnd.Succeeded => "success",
            AttemptEnd.Cancelled => "cancellation",
            AttemptEnd.TimedOut => "timeout",
            AttemptEnd.Failed => "failure",
            _ => "error",
        };
        span.SetTag(CicdAttributes.TaskRunResult, outcome);
        if (result.ExitCode is { } code)
        {
            span.SetTag("process.exit.code", code);
        }

        if (outcome != "success")
        {
            span.SetStatus(ActivityStatusCode.Error, result.Error ?? outcome);
        }
    }
}
