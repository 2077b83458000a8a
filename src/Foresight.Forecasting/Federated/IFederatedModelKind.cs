namespace Foresight.Forecasting.Federated;

/// <summary>
/// A kind of model whose parameters clusters can exchange and average (FedAvg): how to train it on a cluster's own
/// series, which sizes it has for such series, how to check received parameters, and a forecaster that uses given
/// parameters as they are (what the promotion gate backtests). Hosts register their kinds; the ModelGrain uses them.
/// </summary>
public interface IFederatedModelKind
{
    /// <summary>The kind's name in a federated document, e.g. <c>lstm</c>.</summary>
    string Kind { get; }

    /// <summary>The model's sizes for series like <paramref name="history"/>, by name (e.g. features, hidden, outputs, window). Parameters are compatible only between equal configs.</summary>
    IReadOnlyDictionary<string, int> Config(SeriesHistory history);

    /// <summary>Trains on <paramref name="history"/>, from <paramref name="start"/> when given; returns the parameters and the sample count.</summary>
    (ModelParameters Parameters, long Samples) Train(SeriesHistory history, ModelParameters? start);

    /// <summary>Refuses parameters that do not fit <paramref name="config"/> with an <see cref="ArgumentException"/> whose ParamName is the parameter's name.</summary>
    void Check(ModelParameters parameters, IReadOnlyDictionary<string, int> config);

    /// <summary>A forecaster whose fit keeps <paramref name="parameters"/> (no training): what a backtest of these parameters runs.</summary>
    IForecaster Fixed(ModelParameters parameters);
}
