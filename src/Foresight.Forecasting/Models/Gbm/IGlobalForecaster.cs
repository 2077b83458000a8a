namespace Foresight.Forecasting;

/// <summary>
/// A forecaster that learns across series: one training run over all <c>histories</c>, then one cheap fitted model
/// per series (same order). Harnesses should prefer this over calling <see cref="IForecaster.Fit"/> per series,
/// which trains a separate model each time. Implemented by the GBM and LSTM forecasters.
/// </summary>
public interface IGlobalForecaster : IForecaster
{
    /// <summary>Trains once on all histories and returns a fitted model per series, in order.</summary>
    IReadOnlyList<IFittedForecaster> FitMany(IReadOnlyList<SeriesHistory> histories);
}
