using Foresight.Forecasting.Federated;
using TorchSharp;

namespace Foresight.Neural.Lstm;

/// <summary>
/// One LSTM being trained on a fixed set of series: the network (seeded initialisation) and its Adam optimiser live
/// as long as the trainer, so successive <see cref="Run"/> calls continue with the optimiser's moments. Mini-batches
/// are sampled (seeded) across the series' training origins, which end before the calibration origins.
/// </summary>
public sealed class LstmTrainer : IDisposable
{
    private readonly LstmOptions _options;
    private readonly LstmForecaster.Prepared _data;
    private readonly long[] _counts;
    private readonly Random _random;
    private readonly LstmNetwork _net;
    private readonly torch.optim.Optimizer _optimizer;

    internal LstmTrainer(LstmOptions options, LstmForecaster.Prepared data)
    {
        _options = options;
        _data = data;
        var (series, _, calibration, encoder) = data;
        var w = encoder.Window;
        var h = options.Horizon;

        // Training origins of series s: w .. n - 2h - cal + 1 (inclusive), so targets never reach calibration targets.
        _counts = new long[series.Length];
        for (var s = 0; s < series.Length; s++)
        {
            _counts[s] = series[s].Length - (2 * h) - calibration[s] + 1 - w + 1;
            Samples += _counts[s];
        }

        _random = new Random(options.Seed);
        lock (TorchRuntime.Gate)
        {
            torch.set_num_threads(options.Threads);
            torch.manual_seed(options.Seed);
            _net = new LstmNetwork(encoder.Features, options.Hidden, h);
            _optimizer = torch.optim.Adam(_net.parameters(), options.LearningRate);
        }
    }

    /// <summary>Training windows (forecast origins) the series offer: FedAvg's sample count.</summary>
    public long Samples { get; }

    /// <summary>
    /// Loads <paramref name="start"/> into the network when given (checked against its shapes; the optimiser's state is
    /// kept), trains <paramref name="steps"/> mini-batches and returns the parameters. With <see cref="LstmOptions.ProximalMu"/>
    /// set and <paramref name="proximal"/>, the loss adds FedProx's term anchored at <paramref name="start"/>.
    /// </summary>
    public LstmTraining Run(ModelParameters? start, int steps, bool proximal = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 0);
        var o = _options;
        var f = _data.Encoder.Features;
        var h = o.Horizon;
        lock (TorchRuntime.Gate)
        {
            torch.set_num_threads(o.Threads);
            if (start is not null)
            {
                _net.Load(start, f, o.Hidden, h);
            }

            // FedProx: the parameters this run started from, the anchor of the proximal term.
            var anchor = proximal && start is not null && o.ProximalMu > 0 ? _net.parameters().Select(Snapshot).ToList() : null;
            try
            {
                Steps(steps, anchor);
            }
            finally
            {
                anchor?.ForEach(a => a.Dispose());
            }

            return new LstmTraining(_net.ExportParameters(), Samples);
        }
    }

    private static torch.Tensor Snapshot(torch.Tensor parameter)
    {
        using var detached = parameter.detach();
        return detached.clone();
    }

    /// <summary>Trains <paramref name="steps"/> mini-batches (under the torch gate), with FedProx's term when <paramref name="anchor"/> is given.</summary>
    private void Steps(int steps, List<torch.Tensor>? anchor)
    {
        var (series, phases, _, encoder) = _data;
        var o = _options;
        var w = encoder.Window;
        var f = encoder.Features;
        var h = o.Horizon;
        var x = new float[o.BatchSize * w * f];
        var y = new float[o.BatchSize * h];
        for (var step = 0; step < steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            for (var b = 0; b < o.BatchSize; b++)
            {
                var pick = _random.NextInt64(Samples);
                var s = 0;
                while (pick >= _counts[s])
                {
                    pick -= _counts[s];
                    s++;
                }

                var origin = w + (int)pick;
                var (mean, scale) = encoder.Stats(series[s], origin);
                encoder.Encode(series[s], origin, phases[s], mean, scale, x.AsSpan(b * w * f, w * f));
                for (var k = 0; k < h; k++)
                {
                    y[(b * h) + k] = (float)((series[s][origin + k] - encoder.Baseline(series[s], origin, k)) / scale);
                }
            }

            var input = torch.tensor(x, [o.BatchSize, w, f]);
            var target = torch.tensor(y, [o.BatchSize, h]);
            _optimizer.zero_grad();
            var loss = (_net.call(input) - target).abs().mean();
            if (anchor is not null)
            {
                var parameters = _net.parameters().ToList();
                for (var i = 0; i < parameters.Count; i++)
                {
                    loss = loss + ((o.ProximalMu / 2) * (parameters[i] - anchor[i]).pow(2).sum());
                }
            }

            loss.backward();
            torch.nn.utils.clip_grad_norm_(_net.parameters(), 1.0);
            _optimizer.step();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _optimizer.Dispose();
        _net.Dispose();
    }
}
