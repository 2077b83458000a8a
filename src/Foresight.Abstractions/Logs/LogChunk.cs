namespace Foresight.Abstractions.Logs;

/// <summary>A piece of one attempt's output, already masked. <see cref="Sequence"/> counts from 0 per attempt so a
/// chunk sent twice (an agent retrying after a failover) is stored once.</summary>
[GenerateSerializer, Immutable]
public sealed record LogChunk(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] long Sequence,
    [property: Id(3)] string Text);
