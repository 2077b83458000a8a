using Foresight.Abstractions.Jobs;

namespace Foresight.Abstractions.Workers;

/// <summary>An agent's report of one finished attempt.</summary>
[GenerateSerializer, Immutable]
public sealed record AttemptReport(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] ExecutionResult Result);
