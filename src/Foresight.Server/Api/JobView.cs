using Foresight.Abstractions.Jobs;

namespace Foresight.Server.Api;

/// <summary>What the API shows of a job.</summary>
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
    string? OutputTail)
{
    public static JobView From(JobRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var attempt = record.CurrentAttempt;
        return new JobView(
            record.JobId,
            record.Spec?.Name ?? "",
            record.State.ToString(),
            record.Attempts.Count,
            attempt?.WorkerId,
            attempt?.Result?.ExitCode,
            record.SubmittedAt,
            record.FinishedAt,
            record.StatusReason,
            attempt?.Result?.OutputTail);
    }
}
