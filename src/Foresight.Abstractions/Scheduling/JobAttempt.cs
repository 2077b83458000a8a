namespace Foresight.Abstractions.Scheduling;

/// <summary>A job id and one attempt number: the unit the scheduler places and releases.</summary>
[GenerateSerializer, Immutable]
public sealed record JobAttempt(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Attempt);
