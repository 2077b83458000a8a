namespace Foresight.Abstractions.Jobs;

/// <summary>A result that arrived for an attempt that was no longer current (lost worker, cancelled job): kept, never applied.</summary>
[GenerateSerializer, Immutable]
public sealed record LateResult(
    [property: Id(0)] int Attempt,
    [property: Id(1)] string WorkerId,
    [property: Id(2)] ExecutionResult Result,
    [property: Id(3)] DateTimeOffset ReceivedAt);
