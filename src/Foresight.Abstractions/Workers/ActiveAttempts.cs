namespace Foresight.Abstractions.Workers;

/// <summary>
/// What a worker holds: attempts handed to its agent plus those its agent last reported running, and when the
/// agent last reported (null: not since this activation started).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ActiveAttempts(
    [property: Id(0)] IReadOnlyDictionary<string, int> Attempts,
    [property: Id(1)] DateTimeOffset? AgentReportedAt);
