using Foresight.Abstractions.Profiles;
using Foresight.Forecasting.Durations;

namespace Foresight.Grains.Profiles;

/// <summary>Between the stored and shown forms of a profile and the pure <see cref="JobProfile"/>.</summary>
public static class ProfileMapping
{
    public static JobProfile ToProfile(ProfileState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return JobProfile.Restore(null, state.Count, state.MeanSeconds, state.EwmaSeconds, state.LastRunAt, state.Runs.Select(ToRun), state.Ignored);
    }

    /// <summary>An imported profile; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public static JobProfile FromView(ProfileView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return JobProfile.Restore(null, view.Count, view.MeanSeconds, view.EwmaSeconds, view.LastRunAt, view.Runs.Select(ToRun), view.Ignored);
    }

    public static ProfileState ToState(JobProfile profile) => new()
    {
        Count = profile.Count,
        MeanSeconds = profile.MeanSeconds,
        EwmaSeconds = profile.EwmaSeconds,
        LastRunAt = profile.LastRunAt,
        Runs = [.. profile.Runs.Select(ToRecord)],
        Ignored = new Dictionary<string, long>(profile.Ignored, StringComparer.Ordinal),
    };

    public static ProfileView ToView(JobProfile profile, string pool, string key, DateTimeOffset now, TimeSpan ttl) => new(
        key,
        profile.Count,
        profile.MeanSeconds,
        profile.EwmaSeconds,
        profile.LastRunAt,
        [.. profile.Runs.Select(ToRecord)],
        new Dictionary<string, long>(profile.Ignored, StringComparer.Ordinal),
        profile.DurationQuantile(0.5),
        profile.DurationQuantile(0.9),
        profile.DurationQuantile(0.95),
        profile.PeakMemoryQuantile(0.9),
        profile.CpuSecondsQuantile(0.9),
        profile.CpuCoresQuantile(0.9),
        profile.IsStale(now, ttl),
        pool);

    public static ProfileRun ToRun(ProfileRunRecord r) => new(r.At, r.DurationSeconds, r.PeakMemoryMb, r.CpuSeconds);

    public static ProfileRunRecord ToRecord(ProfileRun r) => new(r.At, r.DurationSeconds, r.PeakMemoryMb, r.CpuSeconds);
}
