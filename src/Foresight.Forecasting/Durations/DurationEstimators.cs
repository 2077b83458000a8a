namespace Foresight.Forecasting.Durations;

/// <summary>
/// The duration estimators by the names used in configuration (<c>SchedulingSettings.Estimator</c>), by
/// <c>foresight evaluate durations</c> and by the simulator; a bad name fails with the list of valid ones.
/// </summary>
public static class DurationEstimators
{
    public const string Mean = "mean";
    public const string Median = "median";
    public const string P95 = "p95";
    public const string Ewma = "ewma";
    public const string RecentTwo = "recent-two";
    public const string Gbm = "gbm";
    public const string Ensemble = "ensemble";
    public const string LogNormal = "lognormal";

    /// <summary>The baseline every other estimator's MdAPE is compared with (mean of the key's history).</summary>
    public const string Baseline = Mean;

    /// <summary>Members of <see cref="Ensemble"/>.</summary>
    public static IReadOnlyList<string> EnsembleMembers { get; } = [Median, RecentTwo, Ewma, Gbm];

    /// <summary>Every name <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [Mean, Median, P95, Ewma, RecentTwo, Gbm, Ensemble, LogNormal];

    /// <summary>The estimator called <paramref name="name"/> (case-insensitive, surrounding spaces ignored).</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static DurationEstimator Create(string name, DurationEstimatorOptions? options = null) =>
        CreateMany([name], options)[0];

    /// <summary>
    /// Several estimators at once; an <see cref="Ensemble"/> among them shares the instances of its members that are
    /// also asked for (each is trained once).
    /// </summary>
    public static IReadOnlyList<DurationEstimator> CreateMany(IEnumerable<string> names, DurationEstimatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        options = (options ?? new DurationEstimatorOptions()).Validate();
        var normalized = names.Select(Normalize).ToList();
        if (normalized.Count == 0)
        {
            throw new ArgumentException($"No estimator named. Valid names: {string.Join(", ", Names)}.", nameof(names));
        }

        var made = new Dictionary<string, DurationEstimator>(StringComparer.Ordinal);
        DurationEstimator Make(string n) => made.TryGetValue(n, out var e) ? e : (made[n] = n switch
        {
            Mean => new MeanEstimator(options),
            Median => new MedianEstimator(options),
            P95 => new P95Estimator(options),
            Ewma => new EwmaEstimator(options),
            RecentTwo => new RecentTwoEstimator(options),
            Gbm => new GbmDurationEstimator(options),
            LogNormal => new LogNormalHierarchyEstimator(options),
            _ => throw new InvalidOperationException($"'{n}' is not a plain estimator."),
        });

        // Members first, so the ensemble reuses an instance asked for on its own.
        foreach (var n in normalized.Where(n => n != Ensemble))
        {
            Make(n);
        }

        if (normalized.Contains(Ensemble))
        {
            made[Ensemble] = new EnsembleEstimator(options, [.. EnsembleMembers.Select(Make)]);
        }

        return [.. normalized.Select(n => made[n])];
    }

    private static string Normalize(string name)
    {
        var n = name?.Trim().ToLowerInvariant() ?? string.Empty;
        return Names.Contains(n, StringComparer.Ordinal)
            ? n
            : throw new ArgumentException($"Unknown duration estimator '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
    }
}
