namespace Foresight.Abstractions.Profiles;

/// <summary>
/// The profile of one job key in one pool (key: <c>{pool}/{job key}</c>, see <see cref="ProfileKeys"/>): rolling
/// duration, peak-memory and CPU-time statistics of its finished runs, fed by the job grain on each completion.
/// </summary>
public interface IProfileGrain : IGrainWithStringKey
{
    /// <summary>A run of the key ended; returns null when it was recorded, else the reason it was ignored (counted).</summary>
    Task<string?> Observe(ProfileRunRecord run);

    /// <summary>Runs of the key ended, as <see cref="Observe"/> one at a time; returns, per run in order, null when it
    /// was recorded, else the reason it was ignored.</summary>
    Task<IReadOnlyList<string?>> ObserveMany(IReadOnlyList<ProfileRunRecord> runs);

    /// <summary>The profile with its quantiles, or null when it has no run.</summary>
    [ReadOnly]
    Task<ProfileView?> Get();

    /// <summary>The p90 peak memory and cores of the key's runs, or null while it has too few runs or is stale.</summary>
    [ReadOnly]
    Task<ResourceEstimateView?> EstimateResources();

    /// <summary>Replaces the profile with imported figures (already checked by <see cref="ProfileDocumentValidator"/>).</summary>
    Task Import(ProfileView profile);
}

/// <summary>The keys of a pool's profiles (key: the pool), for listing and export; at most <see cref="MaxProfiles"/>.</summary>
public interface IProfileIndexGrain : IGrainWithStringKey
{
    /// <summary>Most keys one pool's index holds; runs of further keys are still profiled but not listed.</summary>
    public const int MaxProfiles = 10_000;

    /// <summary>Adds a key; false when the index is full (the key is not listed).</summary>
    Task<bool> Add(string key);

    Task Remove(string key);

    [ReadOnly]
    Task<IReadOnlyList<string>> Keys();
}
