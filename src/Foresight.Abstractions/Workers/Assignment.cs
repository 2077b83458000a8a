namespace Foresight.Abstractions.Workers;

/// <summary>An attempt of a job placed on a worker. The spec travels with it so the agent needs no extra round trip.
/// <see cref="Secrets"/> are resolved from <see cref="Jobs.JobSpec.SecretScope"/> at assignment time (never persisted):
/// the agent injects them as environment variables and masks their values as <c>***</c> in every log line.</summary>
[GenerateSerializer, Immutable]
public sealed record Assignment(
    [property: Id(0)] string JobId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] Jobs.JobSpec Spec,
    [property: Id(3)] IReadOnlyDictionary<string, string>? Secrets = null);
