namespace Foresight.Forecasting.Models.Gbm;

/// <summary>Hyper-parameters of <see cref="ArrivalGbmForecaster"/> (single-series direct multi-horizon GBM).</summary>
public sealed record ArrivalGbmOptions
{
    /// <summary>Training origins span at most this many longest periods (weeks for [daily, weekly]) before the end of the history.</summary>
    public int WindowSeasons { get; init; } = 8;

    /// <summary>Horizon steps trained on; the horizon step is a feature, later steps reuse the last trained step.</summary>
    public int Horizon { get; init; } = 48;

    /// <summary>Boosting iterations (trees).</summary>
    public int Trees { get; init; } = 120;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 15;

    /// <summary>Minimum training rows per leaf.</summary>
    public int MinRowsPerLeaf { get; init; } = 20;

    /// <summary>Shrinkage.</summary>
    public double LearningRate { get; init; } = 0.08;

    /// <summary>Upper bound on training rows (origins × trained steps); origins are thinned evenly to fit.</summary>
    public int MaxRows { get; init; } = 30_000;

    /// <summary>Forecast origins held out at the end of the window for the normalized conformal intervals.</summary>
    public int CalibrationOrigins { get; init; } = 96;

    /// <summary>Predicted-level bins of the locally weighted conformal scores (interval width scales with the level).</summary>
    public int LevelBins { get; init; } = 4;

    /// <summary>Seasonal Hampel half window in cycles of the longest period in use (same hour and weekday on ±this many weeks) applied to the feature inputs and labels, so bursts do not drag the seasonal anchors; 0 disables it.</summary>
    public int HampelCycles { get; init; } = 3;

    /// <summary>Seed for the trainer.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Trainer threads; fixed so results are reproducible.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Which ML.NET trainer grows the trees (with the squared-error objective).</summary>
    public GbmTrainer Trainer { get; init; } = GbmTrainer.LightGbm;

    /// <summary>
    /// The loss the trees minimise on the working scale: <see cref="GbmObjective.SquaredError"/> (ML.NET's trainers)
    /// or <see cref="GbmObjective.AbsoluteError"/> (the median, grown by LightGBM's C API).
    /// </summary>
    public GbmObjective Objective { get; init; } = GbmObjective.SquaredError;
}
