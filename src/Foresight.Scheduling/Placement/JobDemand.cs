namespace Foresight.Scheduling.Placement;

/// <summary>What a job asks of a worker: labels that must all be present, and resources.</summary>
public sealed record JobDemand(
    string JobId,
    IReadOnlyCollection<string> Labels,
    Resources Request,
    int Priority = 0,
    TimeSpan? PredictedDuration = null);
