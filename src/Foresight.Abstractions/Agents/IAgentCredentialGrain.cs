using Foresight.Abstractions.Workers;

namespace Foresight.Abstractions.Agents;

/// <summary>The credential of one agent (key: its worker id): only the SHA-256 of the random credential is kept.
/// Issuing a new one (the agent registered again) replaces the old, which stops working at once.</summary>
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

/// <summary>The persisted state of an <see cref="IAgentCredentialGrain"/>.</summary>
[GenerateSerializer]
public sealed class AgentCredentialRecord
{
    [Id(0)] public byte[]? Sha256 { get; set; }
    [Id(1)] public WorkerRegistration? Registration { get; set; }
    [Id(2)] public string? RegistrationTokenId { get; set; }
    [Id(3)] public DateTimeOffset? IssuedAt { get; set; }
}
