namespace Foresight.Forecasting;

/// <summary>A forecasting method: fitting is the expensive step and returns a model that predicts cheaply.</summary>
public interface IForecaster
{
    string Name { get; }

    IFittedForecaster Fit(SeriesHistory history);
}

/// <summary>A fitted model. <see cref="Predict"/> must be cheap: the PredictionGrain calls it on a hot path.</summary>
public interface IFittedForecaster
{
    string Name { get; }

    /// <param name="horizon">Steps ahead, at least 1.</param>
    /// <param name="levels">Interval levels in percent, e.g. 80 and 95; may be empty.</param>
    ForecastResult Predict(int horizon, IReadOnlyList<double> levels);
}

/// <summary>Point forecasts and one interval per requested level.</summary>
public sealed record ForecastResult(double[] Mean, IReadOnlyList<PredictionInterval> Intervals)
{
    /// <summary>Set when the model's own forecast was non-finite or divergent and a fallback replaced it.</summary>
    public bool FellBack { get; init; }

    /// <summary>Why the fallback happened (or which documented fallback model answered), when it did.</summary>
    public string? Note { get; init; }
}

/// <summary>A central prediction interval at <see cref="Level"/> percent.</summary>
public sealed record PredictionInterval(double Level, double[] Lower, double[] Upper);
