using Foresight.Abstractions.Jobs;

namespace Foresight.Abstractions.Api;

/// <summary>What the HTTP API shows of a job (<c>GET /api/jobs/{id}</c>).</summary>
public sealed record JobView(
    string Id,
    string Name,
    string State,
    int Attempts,
    string? WorkerId,
    int? ExitCode,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset? FinishedAt,
    string? Reason,
    string? OutputTail,
    string? Pool = null,
    string? WorkflowId = null,
    string? WorkflowJobKey = null,
    double? DurationSeconds = null,
    long? PeakMemoryMb = null,
    double? CpuSeconds = null)
{
    /// <summary>A workflow job's outputs (<c>jobs.&lt;id&gt;.outputs</c>), from its last attempt.</summary>
    public IReadOnlyDictionary<string, string>? Outputs { get; init; }

    /// <summary>What a workflow job's steps wrote to <c>GITHUB_STEP_SUMMARY</c> (Markdown), masked.</summary>
    public string? StepSummary { get; init; }

    /// <summary>Whether the job can change no more (Succeeded, Failed, Cancelled, TimedOut).</summary>
    public bool IsTerminal => State is "Succeeded" or "Failed" or "Cancelled" or "TimedOut";

    public static JobView From(JobRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var attempt = record.CurrentAttempt;
        var result = attempt?.Result;
        return new JobView(
            record.JobId,
            record.Spec?.Name ?? "",
            record.State.ToString(),
            record.Attempts.Count,
            attempt?.WorkerId,
            result?.ExitCode,
            record.SubmittedAt,
            record.FinishedAt,
            record.StatusReason,
            result?.OutputTail,
            record.Spec?.Pool ?? "default",
            record.Spec?.WorkflowId,
            record.Spec?.WorkflowJobKey,
            result?.Duration.TotalSeconds,
            result?.PeakMemoryMb,
            result?.CpuTime?.TotalSeconds)
        {
            Outputs = result?.Outputs,
            StepSummary = result?.StepSummary,
        };
    }
}
