using Foresight.Abstractions.Scheduling;

namespace Foresight.Abstractions.Webhooks;

/// <summary>
/// One shard of the webhook delivery log: keys (a delivery's signature, its delivery id) recorded with a value for a
/// time window, so that every silo's gateway recognises a replayed delivery. Bounded: a shard keeps at most its share
/// of the capacity, dropping the oldest entries first, and drops entries older than the window. Keyed by
/// <see cref="ShardOf"/>.
/// </summary>
public interface IDeliveryLogGrain : IGrainWithStringKey
{
    /// <summary>How many shards the log is spread over.</summary>
    public const int Shards = 16;

    /// <summary>Records <paramref name="key"/> with <paramref name="value"/> unless it is recorded already within
    /// <paramref name="window"/>; returns the value recorded before (null when the key is new).</summary>
    /// <param name="key">What is remembered.</param>
    /// <param name="value">What it is remembered with.</param>
    /// <param name="window">How long an entry counts.</param>
    /// <param name="capacity">Entries of the whole log (this shard keeps its share).</param>
    Task<string?> Claim(string key, string value, TimeSpan window, int capacity);

    /// <summary>The shard that holds <paramref name="key"/>.</summary>
    public static string ShardOf(string key) =>
        "deliveries-" + (PoolPartitions.StableHash(key) % Shards).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
