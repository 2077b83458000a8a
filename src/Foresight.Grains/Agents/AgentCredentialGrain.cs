using System.Security.Cryptography;
using Foresight.Abstractions.Agents;
using Foresight.Abstractions.Workers;

namespace Foresight.Grains.Agents;

/// <summary>One agent's credential, hashed, in the <c>workers</c> storage so every silo's gateway checks the same one.</summary>
public sealed class AgentCredentialGrain(
    [PersistentState("agentCredential", "workers")] IPersistentState<AgentCredentialRecord> state) : Grain, IAgentCredentialGrain
{
    public async Task Issue(AgentCredentialRecord credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (credential.Sha256 is not { Length: 32 })
        {
            throw new ArgumentException("the credential's SHA-256 must be 32 bytes", nameof(credential));
        }

        state.State = credential;
        await state.WriteStateAsync();
    }

    public Task<bool> Verify(byte[] sha256) =>
        Task.FromResult(sha256 is { Length: 32 } && state.State.Sha256 is { Length: 32 } known && CryptographicOperations.FixedTimeEquals(sha256, known));

    public Task<WorkerRegistration?> GetRegistration() => Task.FromResult(state.State.Registration);
}
