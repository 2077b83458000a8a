using System.Collections.Concurrent;
using Foresight.Grpc.Forecast.V1;

namespace Foresight.Server.Grpc;

/// <summary>
/// <c>GetLoadForecast</c> answers kept for <see cref="GrpcOptions.ForecastCacheSeconds"/> per pool, horizon and task
/// type. The forecast behind them changes once per arrival bucket or model version (minutes), so callers polling many
/// times a second (dashboards, many scalers) share one computation; calls for a key being computed wait for that one
/// computation instead of starting their own. A failed computation is not kept.
/// </summary>
public sealed class LoadForecastCache(TimeProvider time, GrpcOptions options)
{
    /// <summary>Most keys kept; past it the cache starts over (horizons are free-form, so keys are not bounded).</summary>
    public const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<(string Pool, double HorizonSeconds, string TaskType), Entry> _entries = new();

    public Task<LoadForecastResponse> GetAsync(string pool, double horizonSeconds, string taskType, Func<Task<LoadForecastResponse>> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var ttl = TimeSpan.FromSeconds(options.ForecastCacheSeconds);
        if (ttl <= TimeSpan.Zero)
        {
            return compute();
        }

        var key = (pool, horizonSeconds, taskType);
        while (true)
        {
            if (_entries.TryGetValue(key, out var cached))
            {
                if (time.GetElapsedTime(cached.At) < ttl && !cached.Answer.IsFaulted && !cached.Answer.IsCanceled)
                {
                    return cached.Answer;
                }

                var fresh = new Entry(time.GetTimestamp(), new Lazy<Task<LoadForecastResponse>>(() => RunAsync(compute)));
                if (_entries.TryUpdate(key, fresh, cached))
                {
                    return fresh.Answer;
                }

                continue; // another call replaced it first: use that one
            }

            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            var added = new Entry(time.GetTimestamp(), new Lazy<Task<LoadForecastResponse>>(() => RunAsync(compute)));
            if (_entries.TryAdd(key, added))
            {
                return added.Answer;
            }
        }
    }

    /// <summary>A computation that throws before its first await still ends as a faulted task (which is not kept).</summary>
    private static async Task<LoadForecastResponse> RunAsync(Func<Task<LoadForecastResponse>> compute) => await compute();

    private sealed record Entry(long At, Lazy<Task<LoadForecastResponse>> Computation)
    {
        public Task<LoadForecastResponse> Answer => Computation.Value;
    }
}
