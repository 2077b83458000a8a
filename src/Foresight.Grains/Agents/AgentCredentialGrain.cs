using System.Security.Cryptography;
using Foresight.Abstractions.Agents;
using Foresight.Abstractions.Workers;

namespace Foresight.Grains.Agents;

/// <summary>
/// Earlier versions' home of an agent's credential (see <see cref="IAgentCredentialGrain"/>): the credential is now kept
/// by the worker's own <c>WorkerGrain</c>, which moves a credential stored here into its own state.
/// </summary>
public sealed class AgentCredentialGrain(
    [PersistentState(AgentCredentialGrain.StateName, AgentCredentialGrain.StorageName)] IPersistentState<AgentCredentialRecord> state) : Grain, IAgentCredentialGrain
{
    /// <summary>The grain state the credential is stored under.</summary>
    public const string StateName = "agentCredential";

    /// <summary>The storage it is in.</summary>
    public const string StorageName = "workers";

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
