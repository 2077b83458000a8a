using BenchmarkDotNet.Attributes;
using Foresight.Forecasting;
using Foresight.Forecasting.Models;
using Foresight.Forecasting.Models.Gbm;
using Foresight.Neural.Lstm;

namespace Foresight.Benchmarks;

/// <summary>Cost of <c>Predict(48, [80, 95])</c> on models fitted once to an M4-Hourly-sized series (700 points).</summary>
[MemoryDiagnoser]
public class PredictBenchmarks
{
    private static readonly double[] Levels = [80, 95];
    private IFittedForecaster _seasonalNaive = null!;
    private IFittedForecaster _ets = null!;
    private IFittedForecaster _gbm = null!;
    private IFittedForecaster _lstm = null!;

    /// <summary>Fits every model once (not measured).</summary>
    [GlobalSetup]
    public void Fit()
    {
        var history = BenchmarkSeries.Hourly(700, seed: 1);
        _seasonalNaive = new SeasonalNaiveForecaster().Fit(history);
        _ets = new EtsForecaster().Fit(history);
        _gbm = new GbmForecaster().Fit(history);
        _lstm = new LstmForecaster().Fit(history);
    }

    /// <summary>Seasonal naive (the floor).</summary>
    [Benchmark(Baseline = true)]
    public ForecastResult SeasonalNaive() => _seasonalNaive.Predict(48, Levels);

    /// <summary>ETS with automatic selection.</summary>
    [Benchmark]
    public ForecastResult Ets() => _ets.Predict(48, Levels);

    /// <summary>Global GBM (flattened trees).</summary>
    [Benchmark]
    public ForecastResult Gbm() => _gbm.Predict(48, Levels);

    /// <summary>LSTM (managed forward pass).</summary>
    [Benchmark]
    public ForecastResult Lstm() => _lstm.Predict(48, Levels);
}
