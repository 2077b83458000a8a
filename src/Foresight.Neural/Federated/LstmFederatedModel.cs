using Foresight.Forecasting;
using Foresight.Forecasting.Federated;
using Foresight.Neural.Lstm;

namespace Foresight.Neural.Federated;

/// <summary>
/// The LSTM as a federated model kind (<c>lstm</c>): trained with <see cref="LstmForecaster.Train"/>, compatible when
/// features, hidden units, head outputs and input window agree, and backtested with its parameters kept as they are
/// (<see cref="LstmForecaster.FromParameters"/>: calibration only, no libtorch call).
/// </summary>
public sealed class LstmFederatedModel(LstmOptions options) : IFederatedModelKind
{
    /// <summary>
    /// The settings a server trains a pool's LSTM with: 12 direct steps (the autoscaler's horizon), 16 hidden units,
    /// an input window of 48 buckets or the daily season if longer, 150 mini-batches of 32 on one torch thread.
    /// </summary>
    public static LstmOptions PoolOptions { get; } = new() { Horizon = 12, Hidden = 16, InputWindow = 48, TrainingSteps = 150, BatchSize = 32, Threads = 1, Seed = 42 };

    /// <inheritdoc />
    public string Kind => LstmParameters.Kind;

    /// <summary>The options in force.</summary>
    public LstmOptions Options { get; } = options;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, int> Config(SeriesHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        return new SortedDictionary<string, int>(StringComparer.Ordinal)
        {
            ["features"] = LstmForecaster.FeaturesFor(history.SeasonalPeriods),
            ["hidden"] = Options.Hidden,
            ["outputs"] = Options.Horizon,
            ["window"] = new LstmForecaster(Options).WindowLength(history.SeasonalPeriods),
        };
    }

    /// <inheritdoc />
    public (ModelParameters Parameters, long Samples) Train(SeriesHistory history, ModelParameters? start)
    {
        var trained = new LstmForecaster(Options).Train([history], start);
        return (trained.Parameters, trained.Samples);
    }

    /// <inheritdoc />
    public void Check(ModelParameters parameters, IReadOnlyDictionary<string, int> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        LstmParameters.Check(parameters, config["features"], config["hidden"], config["outputs"]);
    }

    /// <inheritdoc />
    public IForecaster Fixed(ModelParameters parameters) => new FixedLstm(Options, parameters);

    private sealed class FixedLstm(LstmOptions options, ModelParameters parameters) : IForecaster
    {
        public string Name => LstmParameters.Kind;

        public IFittedForecaster Fit(SeriesHistory history) => new LstmForecaster(options).FromParameters([history], parameters)[0];
    }
}
