using Foresight.Forecasting;
using Foresight.Forecasting.Intervals;

namespace Foresight.Neural.Lstm;

/// <summary>
/// An LSTM fitted to one series (possibly trained globally with others). Prediction is a managed forward pass
/// over the last window (no libtorch call), so it is cheap and thread-safe.
/// </summary>
public sealed class LstmFittedForecaster : IFittedForecaster
{
    private readonly LstmWeights _weights;
    private readonly LstmWindowEncoder _encoder;
    private readonly double[] _tail;
    private readonly long _phaseAtTailStart;
    private readonly ConformalCalibration _scores;

    internal LstmFittedForecaster(string name, LstmWeights weights, LstmWindowEncoder encoder, double[] tail, long phaseAtTailStart, ConformalCalibration scores)
    {
        Name = name;
        _weights = weights;
        _encoder = encoder;
        _tail = tail;
        _phaseAtTailStart = phaseAtTailStart;
        _scores = scores;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>Steps the direct head covers; longer horizons feed predictions back as input.</summary>
    public int DirectHorizon => _weights.Outputs;

    /// <inheritdoc />
    public ForecastResult Predict(int horizon, IReadOnlyList<double> levels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentNullException.ThrowIfNull(levels);
        foreach (var level in levels)
        {
            if (!(level > 0 && level < 100))
            {
                throw new ArgumentOutOfRangeException(nameof(levels), level, "Interval levels are percentages strictly between 0 and 100.");
            }
        }

        var w = _encoder.Window;
        var buffer = new double[w + horizon];
        Array.Copy(_tail, _tail.Length - w, buffer, 0, w);
        var scales = new double[horizon];
        Span<float> input = stackalloc float[w * _encoder.Features];
        Span<float> output = stackalloc float[_weights.Outputs];
        var done = 0;
        while (done < horizon)
        {
            var origin = w + done;
            var (mean, scale) = _encoder.Stats(buffer, origin);
            _encoder.Encode(buffer, origin, _phaseAtTailStart + (_tail.Length - w), mean, scale, input);
            _weights.Forward(input, output);
            var take = Math.Min(output.Length, horizon - done);
            for (var k = 0; k < take; k++)
            {
                buffer[origin + k] = _encoder.Baseline(buffer, origin, k) + (scale * output[k]);
                scales[done + k] = scale;
            }

            done += take;
        }

        var work = buffer.AsSpan(w).ToArray();
        var mean0 = work.Select(_encoder.FromWorking).ToArray();
        var intervals = new List<PredictionInterval>(levels.Count);
        foreach (var level in levels)
        {
            var lower = new double[horizon];
            var upper = new double[horizon];
            for (var k = 0; k < horizon; k++)
            {
                var half = _scores.HalfWidth(k, level) * scales[k];
                lower[k] = _encoder.FromWorking(work[k] - half);
                upper[k] = _encoder.FromWorking(work[k] + half);
            }

            intervals.Add(new PredictionInterval(level, lower, upper));
        }

        return new ForecastResult(mean0, intervals);
    }
}
