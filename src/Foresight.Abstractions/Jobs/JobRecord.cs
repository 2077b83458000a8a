using Foresight.Scheduling.Jobs;

namespace Foresight.Abstractions.Jobs;

/// <summary>The persisted state of a JobGrain, also what <see cref="IJobGrain.GetState"/> returns.</summary>
[GenerateSerializer]
public sealed class JobRecord
{
    [Id(0)] public string JobId { get; set; } = "";
    [Id(1)] public JobSpec? Spec { get; set; }
    [Id(2)] public JobState State { get; set; } = JobState.Pending;
    [Id(3)] public List<AttemptRecord> Attempts { get; set; } = [];
    [Id(4)] public DateTimeOffset? SubmittedAt { get; set; }
    [Id(5)] public DateTimeOffset? FinishedAt { get; set; }
    [Id(6)] public List<LateResult> LateResults { get; set; } = [];
    [Id(7)] public string? StatusReason { get; set; }
    [Id(8)] public DateTimeOffset? NotBefore { get; set; }

    /// <summary>Resources reserved instead of the defaults of a job that declared none (from its profile); null: as declared.</summary>
    [Id(9)] public Profiles.ResourceEstimateView? EstimatedResources { get; set; }

    public AttemptRecord? CurrentAttempt => Attempts.Count == 0 ? null : Attempts[^1];
}
