namespace Foresight.Forecasting.Durations;

/// <summary>Mean of every run of the key (family, pool): the baseline the others are compared with.</summary>
public sealed class MeanEstimator(DurationEstimatorOptions options) : DurationEstimator(DurationEstimators.Mean, options)
{
    protected override double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history) => stats.Mean;
}

/// <summary>Median of the key's last <see cref="DurationEstimatorOptions.RecentRuns"/> runs.</summary>
public sealed class MedianEstimator(DurationEstimatorOptions options) : DurationEstimator(DurationEstimators.Median, options)
{
    protected override double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history) => stats.RecentQuantile(0.5);
}

/// <summary>95th percentile of the key's recent runs: a conservative estimate (rarely short, often long).</summary>
public sealed class P95Estimator(DurationEstimatorOptions options) : DurationEstimator(DurationEstimators.P95, options)
{
    protected override double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history) => stats.RecentQuantile(0.95);
}

/// <summary>Exponentially weighted mean of the key's runs (<see cref="DurationEstimatorOptions.EwmaAlpha"/>).</summary>
public sealed class EwmaEstimator(DurationEstimatorOptions options) : DurationEstimator(DurationEstimators.Ewma, options)
{
    protected override double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history) => stats.Ewma;
}

/// <summary>Mean of the key's last two runs (Tsafrir, Etsion and Feitelson, TPDS 2007); the one run when there is one.</summary>
public sealed class RecentTwoEstimator(DurationEstimatorOptions options) : DurationEstimator(DurationEstimators.RecentTwo, options)
{
    protected override double Point(JobFeatures job, RunStats stats, EstimateSource source, DurationHistory history) => stats.LastTwoMean;
}
