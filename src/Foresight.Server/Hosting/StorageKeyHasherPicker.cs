using Orleans.Storage;

namespace Foresight.Server.Hosting;

/// <summary>
/// The hashes Foresight's silos store with each grain state (GrainIdHash, GrainTypeHash): Orleans' stable hash of
/// what Orleans hashes, followed by the grain's key exactly as written. The AdoNet provider identifies a record by
/// parsed key parts, and parses any hex-looking string key as an integer, so job ids "abc", "ABC" and "0abc" would
/// share one record (dotnet/orleans#9706). Our schema keeps the hash in a record's identity, so with the written
/// key in the hash those jobs keep separate records. Changing this hashing orphans stored state: never change it
/// on a live database.
/// </summary>
public sealed class StorageKeyHasherPicker : IStorageHasherPicker
{
    public ICollection<IHasher> HashProviders { get; } = [];

    public IHasher PickHasher<T>(string serviceId, string storageProviderInstanceName, string grainType, GrainId grainId, IGrainState<T> grainState, string? tag = null) =>
        new KeyHasher(grainId);

    private sealed class KeyHasher(GrainId grainId) : IHasher
    {
        public string Description => "Orleans StableHash of the data followed by the grain key as written";

        public int Hash(byte[] data)
        {
            ArgumentNullException.ThrowIfNull(data);
            var key = grainId.Key.AsSpan();
            var buffer = new byte[data.Length + key.Length];
            data.CopyTo(buffer, 0);
            key.CopyTo(buffer.AsSpan(data.Length));
            return unchecked((int)StableHash.ComputeHash(buffer));
        }
    }
}
