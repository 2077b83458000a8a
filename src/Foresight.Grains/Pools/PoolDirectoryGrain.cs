using Foresight.Abstractions.Pools;

namespace Foresight.Grains.Pools;

/// <summary>The list of scheduler partitions, persisted in the <c>workers</c> storage. Written only when a partition is new.</summary>
public sealed class PoolDirectoryGrain(
    [PersistentState("pools", "workers")] IPersistentState<PoolDirectoryState> state) : Grain, IPoolDirectoryGrain
{
    public async Task Register(string partition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partition);
        if (state.State.Partitions.Add(partition))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetPartitions() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Partitions.Order(StringComparer.Ordinal)]);
}

/// <summary>The state of the <see cref="PoolDirectoryGrain"/>.</summary>
[GenerateSerializer]
public sealed class PoolDirectoryState
{
    [Id(0)] public HashSet<string> Partitions { get; set; } = new(StringComparer.Ordinal);
}
