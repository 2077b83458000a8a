namespace Foresight.Scheduling.Placement;

/// <summary>What a job asks of a worker: labels that must all be present, and resources.</summary>
/// <param name="JobId">Unique among queued jobs.</param>
/// <param name="Labels">Labels a worker must all have.</param>
/// <param name="Request">CPU and memory reserved on the worker.</param>
/// <param name="Priority">Higher is more urgent.</param>
/// <param name="PredictedDuration">Median (p50) of the predicted run time, when an estimator gave one.</param>
/// <param name="PredictedDurationP90">90 % quantile of the predicted run time, when an estimator gave one.</param>
public sealed record JobDemand(
    string JobId,
    IReadOnlyCollection<string> Labels,
    Resources Request,
    int Priority = 0,
    TimeSpan? PredictedDuration = null,
    TimeSpan? PredictedDurationP90 = null);
