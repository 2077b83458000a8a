using Foresight.Abstractions.Workers;

namespace Foresight.Abstractions.Agents;

/// <summary>
/// Where versions before the credential moved into the worker's own grain kept one agent's credential (key: its worker
/// id). The gateway no longer calls it: <c>WorkerGrain</c> reads this grain's stored state (<c>agentCredential</c> in the
/// <c>workers</c> storage) once, moves it into its own and clears it. The grain type stays so that the stored state's
/// grain id resolves.
/// </summary>
public interface IAgentCredentialGrain : IGrainWithStringKey
{
    Task Issue(AgentCredentialRecord credential);

    /// <summary>Whether <paramref name="sha256"/> is the hash of this worker's current credential (compared in constant time).</summary>
    [ReadOnly]
    Task<bool> Verify(byte[] sha256);

    /// <summary>What the agent registered with when its credential was issued.</summary>
    [ReadOnly]
    Task<WorkerRegistration?> GetRegistration();
}

/// <summary>An agent's credential as stored: by its <c>WorkerGrain</c> (and, before, by an <see cref="IAgentCredentialGrain"/>).</summary>
[GenerateSerializer]
public sealed class AgentCredentialRecord
{
    [Id(0)] public byte[]? Sha256 { get; set; }
    [Id(1)] public WorkerRegistration? Registration { get; set; }
    [Id(2)] public string? RegistrationTokenId { get; set; }
    [Id(3)] public DateTimeOffset? IssuedAt { get; set; }
}
