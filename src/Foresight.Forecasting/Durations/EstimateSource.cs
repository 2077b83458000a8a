namespace Foresight.Forecasting.Durations;

/// <summary>
/// Which step of the fallback chain an estimate came from: the job's own key when it has at least
/// <see cref="DurationEstimatorOptions.MinExecutions"/> runs, else its family with as many, else every run of the pool,
/// else (nothing finished yet) <see cref="DurationEstimatorOptions.Prior"/>.
/// </summary>
public enum EstimateSource
{
    Key = 0,
    Family = 1,
    Pool = 2,
    Prior = 3,
}
