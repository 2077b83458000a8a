using Foresight.Abstractions.Webhooks;
using Foresight.Grains.Hosting;

namespace Foresight.Grains.Webhooks;

/// <summary>A shard of the webhook delivery log (see <see cref="IDeliveryLogGrain"/>), persisted in the <c>workflows</c>
/// storage so that a restarted or another silo still knows what was delivered. Not reentrant: a claim is atomic.</summary>
public sealed class DeliveryLogGrain(
    [PersistentState("deliveries", "workflows")] IPersistentState<DeliveryLogState> state,
    ForesightClock clock) : Grain, IDeliveryLogGrain
{
    public async Task<string?> Claim(string key, string value, TimeSpan window, int capacity)
    {
        var (previous, changed) = Claim(state.State.Entries, key, value, clock.Now, window, capacity);
        if (changed)
        {
            await state.WriteStateAsync();
        }

        return previous;
    }

    /// <summary>The claim on <paramref name="entries"/> (pure, for tests): drops entries older than the window, returns
    /// the value of a key still recorded, else records the key (dropping the oldest entries beyond this shard's share
    /// of <paramref name="capacity"/>). <c>Changed</c> tells whether the entries must be written.</summary>
    public static (string? Previous, bool Changed) Claim(
        Dictionary<string, DeliveryLogEntry> entries,
        string key,
        string value,
        DateTimeOffset now,
        TimeSpan window,
        int capacity)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        var expired = entries.Where(e => now - e.Value.SeenAt >= window).Select(e => e.Key).ToList();
        expired.ForEach(k => entries.Remove(k));
        if (entries.TryGetValue(key, out var seen))
        {
            return (seen.Value, expired.Count > 0);
        }

        var share = Math.Max(1, (capacity + IDeliveryLogGrain.Shards - 1) / IDeliveryLogGrain.Shards);
        foreach (var oldest in entries.OrderBy(e => e.Value.SeenAt).Take(entries.Count - share + 1).Select(e => e.Key).ToList())
        {
            entries.Remove(oldest);
        }

        entries[key] = new DeliveryLogEntry { Value = value, SeenAt = now };
        return (null, true);
    }
}

/// <summary>The state of a <see cref="DeliveryLogGrain"/>.</summary>
[GenerateSerializer]
public sealed class DeliveryLogState
{
    [Id(0)] public Dictionary<string, DeliveryLogEntry> Entries { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A remembered key's value and when it was first seen.</summary>
[GenerateSerializer]
public sealed class DeliveryLogEntry
{
    [Id(0)] public string Value { get; set; } = "";

    [Id(1)] public DateTimeOffset SeenAt { get; set; }
}
