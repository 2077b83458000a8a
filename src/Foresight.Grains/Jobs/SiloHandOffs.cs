using Foresight.Abstractions.Profiles;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;

namespace Foresight.Grains.Jobs;

/// <summary>
/// The runs every job grain of a silo feeds its profile, coalesced per silo (<see cref="CallCoalescer{TItem, TResult}"/>):
/// a run for a profile with no call in flight goes at once; the runs of the same profile that end while one is in
/// flight share the next <see cref="IProfileGrain.ObserveMany"/> call. Each caller's task completes or fails with its
/// batch's call. Scheduler hand-offs are not coalesced: see docs/architecture.md (Submit).
/// </summary>
public sealed class SiloHandOffs
{
    /// <summary>The <c>call</c> label of <c>foresight_coalesced_calls_total</c> for <see cref="Observe"/>.</summary>
    public const string ObserveCall = "observe";

    private readonly CallCoalescer<ProfileRunRecord, string?> _observe;

    public SiloHandOffs(IGrainFactory grains)
    {
        ArgumentNullException.ThrowIfNull(grains);
        _observe = new(
            (profile, runs) => grains.ByKey<IProfileGrain>(profile).ObserveMany(runs),
            sent: static n => ForesightMetrics.CallCoalesced(ObserveCall, n));
    }

    /// <summary>Feeds a run to a profile (key <see cref="ProfileKeys.Grain"/>); answers null when recorded, else why it was ignored.</summary>
    public Task<string?> Observe(string profile, ProfileRunRecord run) => _observe.Call(profile, run);
}
