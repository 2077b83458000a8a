using System.Security.Cryptography;
using Foresight.Abstractions.Agents;

namespace Foresight.Grains.Agents;

/// <summary>The registration tokens issued through the API, hashed, in the <c>workers</c> storage (shared by every silo).</summary>
public sealed class RegistrationTokenGrain(
    [PersistentState("registrationTokens", "workers")] IPersistentState<RegistrationTokenSet> state) : Grain, IRegistrationTokenGrain
{
    /// <summary>Most tokens kept; the oldest revoked ones go first beyond it.</summary>
    private const int MaxTokens = 10_000;

    public async Task Add(RegistrationTokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (state.State.Tokens.Exists(t => t.Id == token.Id))
        {
            return; // the same request twice
        }

        state.State.Tokens.Add(token);
        if (state.State.Tokens.Count > MaxTokens && state.State.Tokens.FindIndex(t => t.RevokedAt is not null) is >= 0 and var revoked)
        {
            state.State.Tokens.RemoveAt(revoked);
        }

        await state.WriteStateAsync();
    }

    public async Task<bool> Revoke(string id, DateTimeOffset at)
    {
        var index = state.State.Tokens.FindIndex(t => t.Id == id && t.RevokedAt is null);
        if (index < 0)
        {
            return false;
        }

        state.State.Tokens[index] = state.State.Tokens[index] with { RevokedAt = at };
        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<RegistrationTokenRecord>> List() =>
        Task.FromResult<IReadOnlyList<RegistrationTokenRecord>>([.. state.State.Tokens]);

    public Task<RegistrationTokenRecord?> Find(byte[] sha256)
    {
        RegistrationTokenRecord? found = null;
        foreach (var token in state.State.Tokens)
        {
            // Every hash is compared: the time taken does not tell how close a guess came.
            if (CryptographicOperations.FixedTimeEquals(sha256, token.Sha256) && token.RevokedAt is null)
            {
                found ??= token;
            }
        }

        return Task.FromResult(found);
    }
}
