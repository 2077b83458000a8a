using Foresight.Abstractions.Pools;
using Foresight.Abstractions.Scheduling;
using Foresight.Grains.Hosting;
using Foresight.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Gateway;

/// <summary>
/// The pools the gateway accepts jobs for: <c>default</c>, the configured ones (<c>Foresight:Pools</c>, the pools named
/// under <c>Foresight:Shards</c>, the local workers' pool) and those an admin declared (<c>POST /api/pools</c>, kept by
/// the pool directory grain so every silo agrees). Declared pools are never removed, so the grain's list is cached
/// and asked again only for a pool not in the cache.
/// </summary>
public sealed class DeclaredPools(IGrainFactory grains, IOptions<ForesightOptions> foresight, IOptions<ServerOptions> server)
{
    private volatile IReadOnlySet<string> _declared = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>How the refusal of an undeclared pool says to declare one.</summary>
    public const string HowToDeclare = "declare it in Foresight:Pools (e.g. FORESIGHT_Foresight__Pools__0=<name>) or with POST /api/pools {\"name\":\"<name>\"} (admin)";

    /// <summary>The configured pools, <c>default</c> first.</summary>
    public IReadOnlyList<string> Configured =>
        [.. new[] { PoolPartitions.DefaultPool, server.Value.LocalWorkerPool }
            .Concat(foresight.Value.Pools)
            .Concat(foresight.Value.Shards.Keys)
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .Distinct(StringComparer.Ordinal)];

    /// <summary>Every declared pool, sorted.</summary>
    public async Task<IReadOnlyList<string>> AllAsync() =>
        [.. Configured.Concat(await RefreshAsync()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>Whether jobs may be submitted to <paramref name="pool"/> (null: the default pool).</summary>
    public async Task<bool> IsDeclaredAsync(string? pool) =>
        pool is null || Configured.Contains(pool) || _declared.Contains(pool) || (await RefreshAsync()).Contains(pool);

    /// <summary>The first pool of <paramref name="pools"/> that is not declared, or null.</summary>
    public async Task<string?> FirstUndeclaredAsync(IEnumerable<string?> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        foreach (var pool in pools.Distinct(StringComparer.Ordinal))
        {
            if (!await IsDeclaredAsync(pool))
            {
                return pool;
            }
        }

        return null;
    }

    /// <summary>Declares <paramref name="pool"/>; true when it is new.</summary>
    public async Task<bool> DeclareAsync(string pool)
    {
        var added = await Directory().Declare(pool);
        await RefreshAsync();
        return added;
    }

    private async Task<IReadOnlySet<string>> RefreshAsync()
    {
        var declared = new HashSet<string>(await Directory().GetDeclared(), StringComparer.Ordinal);
        _declared = declared;
        return declared;
    }

    private IPoolDirectoryGrain Directory() => grains.GetGrain<IPoolDirectoryGrain>(IPoolDirectoryGrain.Key);
}
