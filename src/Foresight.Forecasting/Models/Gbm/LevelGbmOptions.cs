namespace Foresight.Forecasting.Models.Gbm;

/// <summary>Hyper-parameters of <see cref="LevelGbmForecaster"/> (single-series direct median GBM anchored at the recent level).</summary>
public sealed record LevelGbmOptions
{
    /// <summary>Training origins span at most this many longest periods (weeks for [daily, weekly]) before the end of the history.</summary>
    public int WindowSeasons { get; init; } = 8;

    /// <summary>Horizon steps trained on; later steps use the model of the last band with the step feature at this value.</summary>
    public int Horizon { get; init; } = 48;

    /// <summary>Upper steps of the horizon bands (ascending); one model per band, with the step as a feature inside it. Steps above <see cref="Horizon"/> are dropped.</summary>
    public IReadOnlyList<int> BandEnds { get; init; } = [3, 12, 48];

    /// <summary>Steps whose median is the recent level (0: chosen per series by <see cref="LevelGbmForecaster.ChooseSpan"/> among an hour, a quarter of the main season and the season).</summary>
    public int LevelSpan { get; init; }

    /// <summary>Boosting iterations (trees) per band.</summary>
    public int Trees { get; init; } = 200;

    /// <summary>Leaves per tree.</summary>
    public int Leaves { get; init; } = 31;

    /// <summary>Minimum training rows per leaf.</summary>
    public int MinRowsPerLeaf { get; init; } = 20;

    /// <summary>Shrinkage.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Upper bound on training rows per band (origins × the band's trained steps); origins are thinned evenly to fit.</summary>
    public int MaxRowsPerBand { get; init; } = 12_000;

    /// <summary>Seed for the trainer.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Trainer threads; fixed so results are reproducible.</summary>
    public int Threads { get; init; } = 1;
}
