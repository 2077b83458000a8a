namespace Foresight.Abstractions.Agents;

/// <summary>The registration tokens an admin issued through the API (one grain, key 0, shared by every silo): only
/// their SHA-256 is kept. Tokens configured in settings are not here.</summary>
public interface IRegistrationTokenGrain : IGrainWithIntegerKey
{
    Task Add(RegistrationTokenRecord token);

    /// <summary>Revokes the token; false when there is none with this id (or it was revoked already).</summary>
    Task<bool> Revoke(string id, DateTimeOffset at);

    [ReadOnly]
    Task<IReadOnlyList<RegistrationTokenRecord>> List();

    /// <summary>The live (not revoked) token whose hash this is, or null.</summary>
    [ReadOnly]
    Task<RegistrationTokenRecord?> Find(byte[] sha256);
}

/// <summary>One registration token: what agents registering with it may offer. An empty <see cref="Pools"/> or
/// <see cref="Labels"/> list, or one holding <c>*</c>, allows any.</summary>
[GenerateSerializer, Immutable]
public sealed record RegistrationTokenRecord(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] byte[] Sha256,
    [property: Id(3)] IReadOnlyList<string> Pools,
    [property: Id(4)] IReadOnlyList<string> Labels,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? RevokedAt = null);

/// <summary>The state of the <see cref="IRegistrationTokenGrain"/>.</summary>
[GenerateSerializer]
public sealed class RegistrationTokenSet
{
    [Id(0)] public List<RegistrationTokenRecord> Tokens { get; set; } = [];
}
