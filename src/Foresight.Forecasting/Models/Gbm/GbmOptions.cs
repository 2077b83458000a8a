namespace Foresight.Forecasting.Models.Gbm;

/// <summary>Hyper-parameters of <see cref="GbmForecaster"/>.</summary>
public sealed record GbmOptions
{
    /// <summary>Lags (steps before the forecast origin) used as features.</summary>
    public IReadOnlyList<int> Lags { get; init; } = [.. Enumerable.Range(1, 24), 48, 168];

    /// <summary>Same-phase values of the main season (the last A days for hourly data) offered as features.</summary>
    public int SeasonalAnchors { get; init; } = 7;

    /// <summary>Horizon steps trained on (horizon is a feature; later steps reuse the last one's calibration, widened by √step).</summary>
    public int Horizon { get; init; } = 48;

    /// <summary>Boosting iterations (trees).</summary>
    public int Trees { get; init; } = 200;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 31;

    /// <summary>Minimum training rows per leaf.</summary>
    public int MinRowsPerLeaf { get; init; } = 20;

    /// <summary>Shrinkage.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Upper bound on training rows (origins × horizon steps) across all series; origins are thinned evenly to fit.</summary>
    public int MaxRows { get; init; } = 400_000;

    /// <summary>Forecast origins per series held out for split-conformal calibration.</summary>
    public int CalibrationOrigins { get; init; } = 48;

    /// <summary>Seed for the trainer (and its row/feature sampling).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Trainer threads; fixed so results are reproducible.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Which ML.NET trainer grows the trees.</summary>
    public GbmTrainer Trainer { get; init; } = GbmTrainer.LightGbm;
}
