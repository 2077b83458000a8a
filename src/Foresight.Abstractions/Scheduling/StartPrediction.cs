namespace Foresight.Abstractions.Scheduling;

/// <summary>
/// A queued job's predicted start and finish, made at <see cref="MadeAt"/> from a replay of the queue ahead of it on
/// predicted durations. The start interval is calibrated on the errors of past predictions (null until enough jobs
/// started); the finish interval adds the duration's p10 and p90 to it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StartPrediction(
    [property: Id(0)] DateTimeOffset MadeAt,
    [property: Id(1)] DateTimeOffset StartAt,
    [property: Id(2)] DateTimeOffset? StartFrom,
    [property: Id(3)] DateTimeOffset? StartTo,
    [property: Id(4)] DateTimeOffset FinishAt,
    [property: Id(5)] DateTimeOffset? FinishFrom,
    [property: Id(6)] DateTimeOffset? FinishTo,
    [property: Id(7)] int Ahead,
    [property: Id(8)] string Estimator);
