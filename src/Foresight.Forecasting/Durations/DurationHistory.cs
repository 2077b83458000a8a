namespace Foresight.Forecasting.Durations;

/// <summary>
/// Finished runs by key, by family and for the whole pool: what the estimators read. Reported durations that are not
/// finite, negative or longer than <see cref="DurationEstimatorOptions.MaxDuration"/> are ignored and counted by reason
/// (<see cref="Ignored"/>). Not thread-safe: one owner (a grain, the simulator, an evaluation).
/// </summary>
public sealed class DurationHistory
{
    /// <summary>Reason counted for a duration that is NaN or infinite.</summary>
    public const string NotFinite = "duration is not a finite number";

    /// <summary>Reason counted for a negative duration.</summary>
    public const string Negative = "duration is negative";

    /// <summary>Reason counted for a duration above MaxDuration.</summary>
    public const string TooLong = "duration longer than MaxDuration";

    /// <summary>Reason counted when a new key or family is not remembered because MaxKeys are.</summary>
    public const string KeyCap = "MaxKeys reached: run counted for the pool only";

    private readonly Dictionary<string, RunStats> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunStats> _families = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _ignored = new(StringComparer.Ordinal);

    public DurationHistory(DurationEstimatorOptions? options = null)
    {
        Options = (options ?? new DurationEstimatorOptions()).Validate();
        Pool = new RunStats(Options.PoolRecentRuns, Options.EwmaAlpha);
    }

    public DurationEstimatorOptions Options { get; }

    /// <summary>Every accepted run of the pool.</summary>
    public RunStats Pool { get; }

    /// <summary>Runs accepted.</summary>
    public long Accepted => Pool.Count;

    /// <summary>Runs (or parts of runs) ignored, by reason.</summary>
    public IReadOnlyDictionary<string, long> Ignored => _ignored;

    public int KeyCount => _keys.Count;

    /// <summary>Null when the duration is usable, else the reason it is ignored.</summary>
    public string? Check(double seconds) =>
        !double.IsFinite(seconds) ? NotFinite
        : seconds < 0 ? Negative
        : seconds > Options.MaxDuration.TotalSeconds ? TooLong
        : null;

    /// <summary>Records a finished run; false (and the reason counted) when the duration is ignored.</summary>
    public bool Observe(JobFeatures job, double seconds)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (Check(seconds) is { } reason)
        {
            Count(reason);
            return false;
        }

        Pool.Add(seconds);
        Add(_keys, job.Key, seconds);
        if (!string.Equals(job.Family, job.Key, StringComparison.Ordinal))
        {
            Add(_families, job.Family, seconds);
        }

        return true;
    }

    /// <summary>The key's statistics, or null when it has no run.</summary>
    public RunStats? Key(string key) => key is not null && _keys.TryGetValue(key, out var s) ? s : null;

    /// <summary>The family's statistics (the key's when family and key are the same), or null when it has no run.</summary>
    public RunStats? Family(string family) =>
        family is not null && (_families.TryGetValue(family, out var s) || _keys.TryGetValue(family, out s)) ? s : null;

    /// <summary>
    /// The fallback chain: the key when it has at least MinExecutions runs, else the family with as many, else the pool
    /// when any run finished, else nothing (<see cref="EstimateSource.Prior"/>).
    /// </summary>
    public (RunStats? Stats, EstimateSource Source) Lookup(JobFeatures job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var min = Options.MinExecutions;
        if (Key(job.Key) is { } key && key.Count >= min)
        {
            return (key, EstimateSource.Key);
        }

        if (Family(job.Family) is { } family && family.Count >= min)
        {
            return (family, EstimateSource.Family);
        }

        return Pool.Count > 0 ? (Pool, EstimateSource.Pool) : (null, EstimateSource.Prior);
    }

    private void Add(Dictionary<string, RunStats> map, string name, double seconds)
    {
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        if (!map.TryGetValue(name, out var stats))
        {
            if (map.Count >= Options.MaxKeys)
            {
                Count(KeyCap);
                return;
            }

            stats = new RunStats(Options.RecentRuns, Options.EwmaAlpha);
            map.Add(name, stats);
        }

        stats.Add(seconds);
    }

    private void Count(string reason) => _ignored[reason] = _ignored.GetValueOrDefault(reason) + 1;
}
