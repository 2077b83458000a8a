namespace Foresight.Abstractions.Pools;

/// <summary>
/// Every scheduler partition that has had work or workers (key <see cref="Key"/>): what <c>GET /api/pools</c> and
/// <c>GET /api/workers</c> start from. A scheduler registers itself once per activation; registering is idempotent.
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
}
