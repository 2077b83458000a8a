using Foresight.Forecasting.Numerics;

namespace Foresight.Forecasting.Durations;

/// <summary>One finished run of a profile: when it ended, how long it ran, its peak memory and CPU time when reported.</summary>
public sealed record ProfileRun(DateTimeOffset At, double DurationSeconds, double? PeakMemoryMb = null, double? CpuSeconds = null);

/// <summary>
/// The rolling statistics of one job key in one pool (what a ProfileGrain keeps): run count, mean and EWMA of every
/// accepted run, and the last <see cref="DurationEstimatorOptions.RecentRuns"/> runs with their peak memory and CPU
/// time, from which quantiles are read (no mergeable sketch is served as a package; the last runs are kept instead).
/// Durations that are not finite, negative or above <see cref="DurationEstimatorOptions.MaxDuration"/> are ignored
/// and counted by the reason <see cref="DurationHistory.Check"/> gives; a non-finite or negative memory or CPU figure
/// is dropped from the run (the duration still counts). Pure: no clock, no I/O; one owner.
/// </summary>
public sealed class JobProfile
{
    /// <summary>Reason counted when a run's peak memory or CPU time is unusable (the duration is kept).</summary>
    public const string BadResource = "peak memory or CPU time is not a finite non-negative number";

    private readonly DurationHistory _checker;
    private readonly List<ProfileRun> _runs = [];
    private readonly SortedDictionary<string, long> _ignored = new(StringComparer.Ordinal);

    public JobProfile(DurationEstimatorOptions? options = null)
    {
        _checker = new DurationHistory(options);
        Options = _checker.Options;
    }

    public DurationEstimatorOptions Options { get; }

    /// <summary>Accepted runs, all time.</summary>
    public long Count { get; private set; }

    /// <summary>Mean duration of every accepted run, seconds (0 before the first).</summary>
    public double MeanSeconds { get; private set; }

    /// <summary>Exponentially weighted mean duration (<see cref="DurationEstimatorOptions.EwmaAlpha"/>), seconds.</summary>
    public double EwmaSeconds { get; private set; }

    /// <summary>When the newest accepted run ended.</summary>
    public DateTimeOffset? LastRunAt { get; private set; }

    /// <summary>The kept runs, oldest first.</summary>
    public IReadOnlyList<ProfileRun> Runs => _runs;

    /// <summary>Reported runs (or parts of runs) ignored, by reason.</summary>
    public IReadOnlyDictionary<string, long> Ignored => _ignored;

    /// <summary>Rebuilds a profile from stored figures; throws <see cref="ArgumentException"/> naming the bad field.</summary>
    public static JobProfile Restore(
        DurationEstimatorOptions? options,
        long count,
        double meanSeconds,
        double ewmaSeconds,
        DateTimeOffset? lastRunAt,
        IEnumerable<ProfileRun> runs,
        IReadOnlyDictionary<string, long>? ignored = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var profile = new JobProfile(options);
        var kept = runs.ToList();
        Require(count >= kept.Count, "count", $"must be at least the number of runs ({kept.Count})");
        Require(double.IsFinite(meanSeconds) && meanSeconds >= 0, "meanSeconds", "must be a finite non-negative number");
        Require(double.IsFinite(ewmaSeconds) && ewmaSeconds >= 0, "ewmaSeconds", "must be a finite non-negative number");
        for (var i = 0; i < kept.Count; i++)
        {
            var run = kept[i] ?? throw new ArgumentException($"runs[{i}]: must not be null", $"runs[{i}]");
            Require(profile._checker.Check(run.DurationSeconds) is null, $"runs[{i}].durationSeconds", $"{profile._checker.Check(run.DurationSeconds)}");
            Require(run.PeakMemoryMb is null || (double.IsFinite(run.PeakMemoryMb.Value) && run.PeakMemoryMb >= 0), $"runs[{i}].peakMemoryMb", "must be a finite non-negative number");
            Require(run.CpuSeconds is null || (double.IsFinite(run.CpuSeconds.Value) && run.CpuSeconds >= 0), $"runs[{i}].cpuSeconds", "must be a finite non-negative number");
        }

        profile.Count = count;
        profile.MeanSeconds = meanSeconds;
        profile.EwmaSeconds = ewmaSeconds;
        profile.LastRunAt = lastRunAt ?? kept.Select(r => (DateTimeOffset?)r.At).Max();
        profile._runs.AddRange(kept.OrderBy(r => r.At).TakeLast(profile.Options.RecentRuns));
        foreach (var (reason, n) in ignored ?? new Dictionary<string, long>())
        {
            profile._ignored[reason] = Math.Max(0, n);
        }

        return profile;
    }

    /// <summary>Records a finished run; returns null when accepted, else the reason it was ignored (and counts it).</summary>
    public string? Observe(ProfileRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (_checker.Check(run.DurationSeconds) is { } reason)
        {
            Count1(reason);
            return reason;
        }

        var memory = Usable(run.PeakMemoryMb);
        var cpu = Usable(run.CpuSeconds);
        if ((run.PeakMemoryMb is not null && memory is null) || (run.CpuSeconds is not null && cpu is null))
        {
            Count1(BadResource);
        }

        Count++;
        MeanSeconds += (run.DurationSeconds - MeanSeconds) / Count;
        EwmaSeconds = Count == 1 ? run.DurationSeconds : (Options.EwmaAlpha * run.DurationSeconds) + ((1 - Options.EwmaAlpha) * EwmaSeconds);
        LastRunAt = LastRunAt is { } last && last > run.At ? last : run.At;
        _runs.Add(run with { PeakMemoryMb = memory, CpuSeconds = cpu });
        if (_runs.Count > Options.RecentRuns)
        {
            _runs.RemoveAt(0);
        }

        return null;
    }

    /// <summary>Whether no run ended within <paramref name="ttl"/> before <paramref name="now"/> (a profile without runs is stale).</summary>
    public bool IsStale(DateTimeOffset now, TimeSpan ttl) => LastRunAt is not { } last || now - last > ttl;

    /// <summary>Type-7 quantile of the kept durations, seconds; null without runs.</summary>
    public double? DurationQuantile(double q) => Quantile(_runs.Select(r => (double?)r.DurationSeconds), q);

    /// <summary>Quantile of the kept runs' peak memory, MiB; null when no kept run reported it.</summary>
    public double? PeakMemoryQuantile(double q) => Quantile(_runs.Select(r => r.PeakMemoryMb), q);

    /// <summary>Quantile of the kept runs' CPU time, seconds; null when no kept run reported it.</summary>
    public double? CpuSecondsQuantile(double q) => Quantile(_runs.Select(r => r.CpuSeconds), q);

    /// <summary>Quantile of the cores the kept runs used on average (CPU time / duration, runs of at least 1 s); null when none reported CPU time.</summary>
    public double? CpuCoresQuantile(double q) =>
        Quantile(_runs.Select(r => r.CpuSeconds is { } c ? c / Math.Max(r.DurationSeconds, DurationEstimator.FloorSeconds) : (double?)null), q);

    /// <summary>
    /// The resources a job of this key should reserve when it declares none: the <paramref name="q"/> quantile of peak
    /// memory and of cores used, once the profile has at least <see cref="DurationEstimatorOptions.MinExecutions"/>
    /// runs; null before (or when no run reported them). Cores are at least <paramref name="minCpu"/>, memory at least 1 MiB.
    /// </summary>
    public ResourceEstimate? EstimateResources(double q = 0.9, double minCpu = 0.1)
    {
        if (Count < Options.MinExecutions)
        {
            return null;
        }

        var memory = PeakMemoryQuantile(q);
        var cores = CpuCoresQuantile(q);
        if (memory is null && cores is null)
        {
            return null;
        }

        return new ResourceEstimate(
            cores is { } c ? Math.Max(minCpu, Math.Round(c, 2)) : null,
            memory is { } m ? Math.Max(1, (long)Math.Ceiling(Math.Round(m, 6))) : null,
            q,
            _runs.Count);
    }

    private static double? Quantile(IEnumerable<double?> values, double q)
    {
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        return present.Length == 0 ? null : Statistics.Quantile(present, q);
    }

    private static double? Usable(double? value) => value is { } v && double.IsFinite(v) && v >= 0 ? v : null;

    private static void Require(bool ok, string field, string reason)
    {
        if (!ok)
        {
            throw new ArgumentException($"{field}: {reason}", field);
        }
    }

    private void Count1(string reason) => _ignored[reason] = _ignored.GetValueOrDefault(reason) + 1;
}

/// <summary>Resources estimated from a profile: cores and MiB (null when no run reported them), the quantile, and the runs read.</summary>
public sealed record ResourceEstimate(double? Cpu, long? MemoryMb, double Quantile, int Runs);
