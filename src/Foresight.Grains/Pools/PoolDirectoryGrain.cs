using Foresight.Abstractions.Autoscaling;
using Foresight.Abstractions.Jobs;
using Foresight.Abstractions.Scheduling;
using Foresight.Abstractions.Pools;

namespace Foresight.Grains.Pools;

/// <summary>The list of scheduler partitions and the declared pools, persisted in the <c>workers</c> storage. Written only when one is new.</summary>
public sealed class PoolDirectoryGrain(
    [PersistentState("pools", "workers")] IPersistentState<PoolDirectoryState> state) : Grain, IPoolDirectoryGrain
{
    public async Task Register(string partition)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partition);

        // A scheduler announcing itself starts its pool's autoscaler (it then keeps itself alive).
        GrainFactory.GetGrain<IAutoscalerGrain>(PoolPartitions.PoolOf(partition)).Start().Ignore();
        if (state.State.Partitions.Add(partition))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> GetPartitions() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Partitions.Order(StringComparer.Ordinal)]);

    public async Task<bool> Declare(string pool)
    {
        if (JobSpecValidator.CheckPool(pool) is { } problem)
        {
            throw new InvalidJobSpecException("name", problem);
        }

        if (!state.State.Declared.Add(pool))
        {
            return false;
        }

        await state.WriteStateAsync();
        return true;
    }

    public Task<IReadOnlyList<string>> GetDeclared() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Declared.Order(StringComparer.Ordinal)]);
}

/// <summary>The state of the <see cref="PoolDirectoryGrain"/>.</summary>
[GenerateSerializer]
public sealed class PoolDirectoryState
{
    [Id(0)] public HashSet<string> Partitions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The pools an admin declared.</summary>
    [Id(1)] public HashSet<string> Declared { get; set; } = new(StringComparer.Ordinal);
}
