using System.Diagnostics;
using Foresight.Abstractions.Autoscaling;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Orleans.Concurrency;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Answers arrival forecasts. Stateless and local to its caller's silo; the fitted models live in the silo's
/// <see cref="ForecastCache"/>. Each call checks the promoted version with the pool's ModelGrain, answers from the
/// cache when it holds a fit of that version on the history complete by now, and otherwise fetches the history from
/// the pool's AutoscalerGrain and fits (inside the circuit breaker) or falls back.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class PredictionGrain(ForecastCache cache, ForesightClock clock) : Grain, IPredictionGrain
{
    public async Task<ArrivalForecastView> Forecast(string pool, TimeSpan horizon)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pool);
        var started = Stopwatch.GetTimestamp();
        var promoted = await GrainFactory.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool)).GetPromoted();
        var now = clock.Now;
        if (!cache.TryCached(pool, promoted?.Version, now, horizon, out var answer))
        {
            var history = await GrainFactory.GetGrain<IAutoscalerGrain>(pool).GetHistory();
            answer = cache.Forecast(pool, promoted, history, now, horizon);
        }

        AutoscalingMetrics.Predicted(pool, answer, Stopwatch.GetElapsedTime(started));
        return answer;
    }
}
