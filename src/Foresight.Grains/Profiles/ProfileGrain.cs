using System.Globalization;
using Foresight.Abstractions.Profiles;
using Foresight.Forecasting.Durations;
using Foresight.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Foresight.Grains.Profiles;

/// <summary>
/// One job key's profile in one pool (key <c>{pool}/{job key}</c>). Thin: the statistics are the pure
/// <see cref="JobProfile"/>; this grain restores it from storage, feeds it the runs the job grains report, writes it
/// back (at most once per <see cref="WriteDelay"/>, and when deactivated), lists the key in its pool's index, and forgets a profile with no run within
/// <see cref="ForesightOptions.ProfileTtl"/> (stale: no estimates, cleared when next activated).
/// </summary>
public sealed partial class ProfileGrain(
    [PersistentState("profile", "jobs")] IPersistentState<ProfileState> state,
    ForesightClock clock,
    IOptions<ForesightOptions> options,
    ILogger<ProfileGrain> logger) : Grain, IProfileGrain
{
    /// <summary>Runs observed within this long of each other are written together (a busy key is not one write per run).</summary>
    public static readonly TimeSpan WriteDelay = TimeSpan.FromSeconds(2);

    private readonly ForesightOptions _options = options.Value;
    private IGrainTimer? _writeTimer;
    private bool _dirty;
    private JobProfile _profile = null!;
    private string _pool = "";
    private string _key = "";

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_pool, _key) = ProfileKeys.Split(this.GetPrimaryKeyString());
        _profile = ProfileMapping.ToProfile(state.State);
        if (state.RecordExists && _profile.IsStale(clock.Now, _options.ProfileTtl))
        {
            LogExpired(logger, _pool, _key);
            await state.ClearStateAsync();
            state.State = new ProfileState();
            _profile = ProfileMapping.ToProfile(state.State);
            await Index().Remove(_key);
        }
    }

    public async Task<string?> Observe(ProfileRunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (await ObserveMany([run]))[0];
    }

    public async Task<IReadOnlyList<string?>> ObserveMany(IReadOnlyList<ProfileRunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var first = _profile.Count == 0;
        var ignored = new string?[runs.Count];
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i] ?? throw new ArgumentException($"run {i} is null", nameof(runs));
            ignored[i] = _profile.Observe(ProfileMapping.ToRun(run));
        }

        _dirty = true;
        _writeTimer ??= this.RegisterGrainTimer(WriteAsync, new GrainTimerCreationOptions(WriteDelay, Timeout.InfiniteTimeSpan));
        if (first && _profile.Count > 0)
        {
            await WriteAsync(CancellationToken.None);
            await Index().Add(_key);
        }

        return ignored;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => WriteAsync(cancellationToken);

    public Task<ProfileView?> Get() =>
        Task.FromResult<ProfileView?>(_profile.Count == 0 && _profile.Ignored.Count == 0 ? null : ProfileMapping.ToView(_profile, _pool, _key, clock.Now, _options.ProfileTtl));

    public Task<ResourceEstimateView?> EstimateResources()
    {
        if (_profile.IsStale(clock.Now, _options.ProfileTtl) || _profile.EstimateResources() is not { } estimate)
        {
            return Task.FromResult<ResourceEstimateView?>(null);
        }

        var source = string.Create(CultureInfo.InvariantCulture, $"profile {_key}: p{estimate.Quantile * 100:0} of {estimate.Runs} runs");
        return Task.FromResult<ResourceEstimateView?>(new ResourceEstimateView(estimate.Cpu, estimate.MemoryMb, source));
    }

    public async Task Import(ProfileView profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        _profile = ProfileMapping.FromView(profile);
        state.State = ProfileMapping.ToState(_profile);
        await state.WriteStateAsync();
        await Index().Add(_key);
    }

    /// <summary>Writes the runs observed since the last write (one write per <see cref="WriteDelay"/> however many runs end).</summary>
    private async Task WriteAsync(CancellationToken cancellation)
    {
        _writeTimer?.Dispose();
        _writeTimer = null;
        if (!_dirty)
        {
            return;
        }

        _dirty = false;
        state.State = ProfileMapping.ToState(_profile);
        await state.WriteStateAsync();
    }

    private IProfileIndexGrain Index() => GrainFactory.GetGrain<IProfileIndexGrain>(_pool);

    [LoggerMessage(Level = LogLevel.Information, Message = "Profile {Pool}/{Key}: no run within the TTL; cleared")]
    private static partial void LogExpired(ILogger logger, string pool, string key);
}

/// <summary>The keys of one pool's profiles (key: the pool), capped at <see cref="IProfileIndexGrain.MaxProfiles"/>.</summary>
public sealed class ProfileIndexGrain(
    [PersistentState("profileIndex", "jobs")] IPersistentState<ProfileIndexState> state) : Grain, IProfileIndexGrain
{
    public async Task<bool> Add(string key)
    {
        if (state.State.Keys.Contains(key))
        {
            return true;
        }

        if (state.State.Keys.Count >= IProfileIndexGrain.MaxProfiles)
        {
            state.State.Unlisted++;
            return false;
        }

        state.State.Keys.Add(key);
        await state.WriteStateAsync();
        return true;
    }

    public async Task Remove(string key)
    {
        if (state.State.Keys.Remove(key))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> Keys() =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Keys.Order(StringComparer.Ordinal)]);
}
