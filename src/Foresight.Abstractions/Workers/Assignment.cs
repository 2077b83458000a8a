namespace Foresight.Abstractions.Workers;

/// <summary>An attempt of a job placed on a worker. The spec travels with it so the agent needs no extra round trip.</summary>
[GenerateSerializer, Immutable]
public sealed record Assignment(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] Jobs.JobSpec Spec);
