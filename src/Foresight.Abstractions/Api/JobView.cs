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

    /// <summary>The job's profile key (its duration and resource statistics: <c>GET /api/profiles/{pool}/{key}</c>).</summary>
    public string? Profile { get; init; }

    /// <summary>True when the job declared no CPU or memory and its profile's estimate is reserved instead.</summary>
    public bool ResourcesEstimated { get; init; }

    /// <summary>Cores reserved for the job (estimated or declared).</summary>
    public double? Cpu { get; init; }

    /// <summary>Memory reserved for the job, MiB (estimated or declared).</summary>
    public long? MemoryMb { get; init; }

    /// <summary>Where estimated resources come from (e.g. <c>profile build: p90 of 12 runs</c>).</summary>
    public string? ResourcesSource { get; init; }

    /// <summary>While queued: the predicted start, and its interval (null until calibrated).</summary>
    public DateTimeOffset? PredictedStartAt { get; init; }

    public DateTimeOffset? PredictedStartFrom { get; init; }

    public DateTimeOffset? PredictedStartTo { get; init; }

    /// <summary>While queued: the predicted finish (start + predicted median duration) and its interval.</summary>
    public DateTimeOffset? PredictedFinishAt { get; init; }

    public DateTimeOffset? PredictedFinishFrom { get; init; }

    public DateTimeOffset? PredictedFinishTo { get; init; }

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
            Profile = record.Spec is null ? null : Profiles.ProfileKeys.Of(record.Spec),
            ResourcesEstimated = record.EstimatedResources is not null,
            Cpu = record.EstimatedResources?.Cpu ?? record.Spec?.Cpu,
            MemoryMb = record.EstimatedResources?.MemoryMb ?? record.Spec?.MemoryMb,
            ResourcesSource = record.EstimatedResources?.Source,
        };
    }

    /// <summary>This view with a queued job's predicted start and finish.</summary>
    public JobView WithPrediction(Scheduling.StartPrediction? prediction) => prediction is null ? this : this with
    {
        PredictedStartAt = prediction.StartAt,
        PredictedStartFrom = prediction.StartFrom,
        PredictedStartTo = prediction.StartTo,
        PredictedFinishAt = prediction.FinishAt,
        PredictedFinishFrom = prediction.FinishFrom,
        PredictedFinishTo = prediction.FinishTo,
    };
}
