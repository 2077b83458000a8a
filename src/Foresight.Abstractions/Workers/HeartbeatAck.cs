namespace Foresight.Abstractions.Workers;

/// <summary>The answer to a heartbeat. <see cref="ReRegister"/> asks the agent to register again (its grain was
/// re-activated after a silo failure, or declared the worker offline).</summary>
[GenerateSerializer, Immutable]
public sealed record HeartbeatAck(
    [property: Id(0)] bool ReRegister,
    [property: Id(1)] bool Drain);
