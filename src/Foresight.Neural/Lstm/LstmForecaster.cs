using Foresight.Forecasting;
using Foresight.Forecasting.Federated;
using Foresight.Forecasting.Intervals;
using Foresight.Forecasting.Quality;

namespace Foresight.Neural.Lstm;

/// <summary>
/// A small LSTM (TorchSharp, CPU) with a direct multi-horizon head, trained on windows normalised by their own
/// mean and spread. <see cref="FitMany"/> trains one network globally across many series; <see cref="Fit"/> is
/// the one-series case. Intervals are split-conformal per horizon step on the last
/// <see cref="LstmOptions.CalibrationOrigins"/> origins of each series, which training never sees.
/// </summary>
public sealed class LstmForecaster(LstmOptions? options = null) : IGlobalForecaster
{
    /// <summary>The options in force.</summary>
    public LstmOptions Options { get; } = options ?? new LstmOptions();

    /// <inheritdoc />
    public string Name => "lstm";

    /// <inheritdoc />
    public IFittedForecaster Fit(SeriesHistory history) => FitMany([history])[0];

    /// <inheritdoc />
    IReadOnlyList<IFittedForecaster> IGlobalForecaster.FitMany(IReadOnlyList<SeriesHistory> histories) => FitMany(histories);

    /// <summary>Minimum history length for the given seasonal periods under these options.</summary>
    public int MinimumLength(IReadOnlyList<int> periods) => WindowFor(periods) + (2 * Options.Horizon) + 8;

    /// <summary>Trains one network on all <paramref name="histories"/> and returns a fitted model per series, in order.</summary>
    public IReadOnlyList<LstmFittedForecaster> FitMany(IReadOnlyList<SeriesHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        if (histories.Count == 0)
        {
            throw new ForecastInputException("At least one series is required.");
        }

        var data = Prepare(histories);
        var training = Train(data, null);
        return Fitted(data, LstmParameters.ToWeights(training.Parameters, data.Encoder.Features, Options.Hidden, Options.Horizon));
    }

    /// <summary>
    /// Trains one network on all <paramref name="histories"/> for <see cref="LstmOptions.TrainingSteps"/> steps,
    /// starting from <paramref name="start"/> when given (e.g. the global weights of a federated round; checked against
    /// this network's shapes) or from a seeded random initialisation. Returns the parameters and the number of
    /// training windows (forecast origins) the series offer, FedAvg's sample count. No calibration, no fitted models.
    /// </summary>
    public LstmTraining Train(IReadOnlyList<SeriesHistory> histories, ModelParameters? start = null) => Train(Prepare(histories), start);

    /// <summary>
    /// Fitted models for <paramref name="histories"/> from given <paramref name="parameters"/>, without training: the
    /// split-conformal calibration runs on each series' last origins with the managed forward pass, so no libtorch
    /// call is made. A parameter of the wrong name or shape is refused naming it (see <see cref="LstmParameters.Check"/>).
    /// </summary>
    public IReadOnlyList<LstmFittedForecaster> FromParameters(IReadOnlyList<SeriesHistory> histories, ModelParameters parameters)
    {
        var data = Prepare(histories);
        return Fitted(data, LstmParameters.ToWeights(parameters, data.Encoder.Features, Options.Hidden, Options.Horizon));
    }

    /// <summary>Features per time step the network reads for series with <paramref name="seasonalPeriods"/>: the value, and sin/cos per period.</summary>
    public static int FeaturesFor(IReadOnlyList<int> seasonalPeriods) => 1 + (2 * seasonalPeriods.Count);

    private IReadOnlyList<LstmFittedForecaster> Fitted(Prepared data, LstmWeights weights)
    {
        var (series, phases, calibration, encoder) = data;
        var scores = Calibrate(series, phases, calibration, encoder, weights);
        var fitted = new List<LstmFittedForecaster>(series.Length);
        for (var s = 0; s < series.Length; s++)
        {
            var n = series[s].Length;
            var tail = series[s][(n - encoder.Window)..];
            var phase = phases[s] + n - encoder.Window;
            fitted.Add(new LstmFittedForecaster(Name, weights, encoder, tail, phase, scores));
        }

        return fitted;
    }

    internal Prepared Prepare(IReadOnlyList<SeriesHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        if (histories.Count == 0)
        {
            throw new ForecastInputException("At least one series is required.");
        }

        var o = Options;
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Horizon, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Hidden, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.TrainingSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(o.Threads, 1);
        var periods = histories[0].SeasonalPeriods ?? [];
        var window = WindowFor(periods);
        var series = new double[histories.Count][];
        var calibration = new int[histories.Count];
        for (var s = 0; s < histories.Count; s++)
        {
            series[s] = Validate(histories[s], periods, s);
            var n = series[s].Length;
            var minimum = MinimumLength(periods);
            if (n < minimum)
            {
                throw new ForecastInputException(
                    $"Series {s} has {n} points; the LSTM needs at least {minimum} (window {window} + 2 × horizon {o.Horizon} + 8). Use a statistical model for short histories.");
            }

            // Calibration origins t (targets t..t+H-1 all observed); training targets end before the first one.
            calibration[s] = Math.Min(o.CalibrationOrigins, n - window - (2 * o.Horizon));
        }

        // Log scale when everything is positive: multiplicative seasonality becomes additive and errors relative.
        var encoder = new LstmWindowEncoder(window, periods, series.All(y => y.All(v => v > 0)));
        series = [.. series.Select(encoder.ToWorking)];
        var phases = histories.Select(LstmWindowEncoder.PhaseOffset).ToArray();
        return new Prepared(series, phases, calibration, encoder);
    }

    /// <summary>The input window these options use for series with <paramref name="seasonalPeriods"/>.</summary>
    public int WindowLength(IReadOnlyList<int> seasonalPeriods) => WindowFor(seasonalPeriods);

    private int WindowFor(IReadOnlyList<int> periods)
    {
        if (Options.InputWindow > 0)
        {
            return Math.Max(Options.InputWindow, periods.Count > 0 ? periods[0] : 1);
        }

        var longest = periods.Count == 0 ? 12 : periods.Max();
        return Math.Clamp(2 * longest, 24, 336);
    }

    private static double[] Validate(SeriesHistory history, IReadOnlyList<int> periods, int index)
    {
        ArgumentNullException.ThrowIfNull(history);
        var values = SeriesValidator.Validate(history);
        if (!history.SeasonalPeriods.SequenceEqual(periods))
        {
            throw new ForecastInputException($"Series {index} has seasonal periods [{string.Join(',', history.SeasonalPeriods)}]; one global network needs the same periods for every series ([{string.Join(',', periods)}]).");
        }

        return values;
    }

    private LstmTraining Train(Prepared data, ModelParameters? start)
    {
        using var trainer = new LstmTrainer(Options, data);
        return trainer.Run(start, Options.TrainingSteps);
    }

    /// <summary>
    /// A network and its Adam optimiser kept between runs on <paramref name="histories"/>: each
    /// <see cref="LstmTrainer.Run"/> may load given parameters (the optimiser's moments stay) and trains on.
    /// </summary>
    public LstmTrainer StartTraining(IReadOnlyList<SeriesHistory> histories) => new(Options, Prepare(histories));

    private ConformalCalibration Calibrate(double[][] series, long[] phases, int[] calibration, LstmWindowEncoder encoder, LstmWeights weights)
    {
        var h = Options.Horizon;
        var windows = new List<double[]>();

        var input = new float[encoder.Window * encoder.Features];
        var output = new float[h];
        for (var s = 0; s < series.Length; s++)
        {
            var n = series[s].Length;
            for (var origin = n - h - calibration[s] + 1; origin <= n - h; origin++)
            {
                var (mean, scale) = encoder.Stats(series[s], origin);
                encoder.Encode(series[s], origin, phases[s], mean, scale, input);
                weights.Forward(input, output);
                var errors = new double[h];
                for (var k = 0; k < h; k++)
                {
                    errors[k] = (series[s][origin + k] - (encoder.Baseline(series[s], origin, k) + (scale * output[k]))) / scale;
                }

                windows.Add(errors);
            }
        }

        return ConformalCalibration.FromErrors(windows);
    }

    internal sealed record Prepared(double[][] Series, long[] Phases, int[] Calibration, LstmWindowEncoder Encoder);
}

/// <summary>What one training run produced: the network's parameters and its sample count (training windows offered).</summary>
public sealed record LstmTraining(ModelParameters Parameters, long Samples);
