using BenchmarkDotNet.Attributes;
using Foresight.Abstractions.Autoscaling;
using Foresight.Grains.Autoscaling;

namespace Foresight.Benchmarks;

/// <summary>
/// What a PredictionGrain does for a cached prediction once the promoted version is known: look the pool's fit up in
/// the silo's <see cref="ForecastCache"/> and slice the forecast for the horizon (no refit). Two days and a half of
/// 5-minute arrival history, seasonal-naive model, 15- and 60-minute horizons.
/// </summary>
[MemoryDiagnoser]
public class CachedPredictionBenchmarks
{
    private static readonly DateTimeOffset Now = new(2026, 11, 3, 12, 0, 0, TimeSpan.Zero);
    private ForecastCache _cache = null!;

    /// <summary>Fits once (not measured).</summary>
    [GlobalSetup]
    public void Fit()
    {
        var options = new AutoscalingOptions();
        _cache = new ForecastCache(options, new ForecasterCatalog(), TimeProvider.System);
        var bucket = options.Forecast.Bucket;
        var counts = Enumerable.Range(0, 2 * 288 + 144).Select(b => (double)(b % 288 is >= 120 and < 123 ? 30 : 1 + (b % 3))).ToArray();
        var history = new ArrivalHistoryView(Now - (bucket * counts.Length), bucket, counts);
        var version = new ModelVersionView(1, "SeasonalNaive", "promoted", Now, counts.Length, bucket, [288], 60, 0, 0, null, "");
        var first = _cache.Forecast("bench", version, history, Now, TimeSpan.FromMinutes(15));
        if (first.ModelVersion != 1 || !_cache.TryCached("bench", 1, Now, TimeSpan.FromMinutes(15), out _))
        {
            throw new InvalidOperationException($"not cached: {first.Source}");
        }
    }

    /// <summary>Cached answer for the next 15 minutes (what a 90 s boot + 10 s interval asks for, rounded up to buckets).</summary>
    [Benchmark(Baseline = true)]
    public ArrivalForecastView Cached15Minutes() => _cache.TryCached("bench", 1, Now, TimeSpan.FromMinutes(15), out var view) ? view : throw new InvalidOperationException();

    /// <summary>Cached answer for the next hour.</summary>
    [Benchmark]
    public ArrivalForecastView Cached60Minutes() => _cache.TryCached("bench", 1, Now, TimeSpan.FromMinutes(60), out var view) ? view : throw new InvalidOperationException();
}
