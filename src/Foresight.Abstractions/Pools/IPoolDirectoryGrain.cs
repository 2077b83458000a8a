namespace Foresight.Abstractions.Pools;

/// <summary>
/// Every scheduler partition that has had work or workers (key <see cref="Key"/>): what <c>GET /api/pools</c> and
/// <c>GET /api/workers</c> start from. A scheduler registers itself once per activation; registering is idempotent.
/// It also keeps the pools an admin declared (<c>POST /api/pools</c>), which the gateway accepts jobs for.
/// </summary>
public interface IPoolDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The one directory's key.</summary>
    public const string Key = "pools";

    /// <summary>Adds a scheduler partition (<c>{pool}</c> or <c>{pool}/{shard}</c>).</summary>
    Task Register(string partition);

    /// <summary>The partitions known, sorted.</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> GetPartitions();

    /// <summary>Declares a pool (persisted); true when it was not declared before.</summary>
    Task<bool> Declare(string pool);

    /// <summary>The pools declared with <see cref="Declare"/>, sorted.</summary>
    [ReadOnly]
    Task<IReadOnlyList<string>> GetDeclared();
}
