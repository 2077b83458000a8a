using System.Diagnostics;
using System.Globalization;
using Foresight.Abstractions.Autoscaling;
using Foresight.Forecasting;
using Foresight.Forecasting.Federated;
using Foresight.Forecasting.Online;
using Foresight.Grains.Hosting;
using Foresight.Grains.Observability;
using Orleans.Concurrency;

namespace Foresight.Grains.Autoscaling;

/// <summary>
/// Answers arrival forecasts. Stateless and local to its caller's silo; the fitted models live in the silo's
/// <see cref="ForecastCache"/>. Each call asks the pool's ModelGrain what to serve from (the champion, and the
/// candidate under test with its share), answers from the cache when it holds a fit of that version on the history
/// complete by now, and otherwise fetches the history from the pool's AutoscalerGrain and fits (inside the circuit
/// breaker) or falls back. A candidate predicts alongside the champion; both forecasts go to the ModelGrain to be
/// scored, and the answer is the candidate's only for the share of buckets <see cref="RolloutPolicy.UsesCandidate"/>
/// routes to it (none in shadow).
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class PredictionGrain(ForecastCache cache, ForesightClock clock, IEnumerable<IFederatedModelKind> federatedKinds) : Grain, IPredictionGrain
{
    private const string CandidateSlot = "candidate";

    public async Task<ArrivalForecastView> Forecast(string pool, TimeSpan horizon)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pool);
        var started = Stopwatch.GetTimestamp();
        var models = GrainFactory.GetGrain<IModelGrain>(IModelGrain.LoadKey(pool));
        var routing = await models.GetRouting();
        var now = clock.Now;
        Task<ArrivalHistoryView>? history = null;
        Task<ArrivalHistoryView> History() => history ??= GrainFactory.GetGrain<IAutoscalerGrain>(pool).GetHistory();

        var answer = cache.TryCached(pool, routing.Champion?.Version, now, horizon, out var cached)
            ? cached
            : cache.Forecast(pool, routing.Champion, await History(), now, horizon, model: await StoredModelAsync(models, routing.Champion));
        ArrivalForecastView? candidate = null;
        if (routing.Candidate is { } c)
        {
            candidate = cache.TryCached(pool, c.Version, now, horizon, out var cachedCandidate, CandidateSlot)
                ? cachedCandidate
                : cache.Forecast(pool, c, await History(), now, horizon, CandidateSlot, await StoredModelAsync(models, c));
        }

        if (answer.ModelVersion is not null || candidate?.ModelVersion is not null)
        {
            // One-way: returns at once, the scoring runs in the ModelGrain.
            await models.RecordServed(answer, candidate);
        }

        if (candidate is { IsFallback: false } && RolloutPolicy.UsesCandidate(pool, now.UtcTicks / answer.Bucket.Ticks, routing.SharePercent))
        {
            answer = candidate with { Source = string.Create(CultureInfo.InvariantCulture, $"{candidate.Source} [candidate, A/B {routing.SharePercent} %]") };
        }

        AutoscalingMetrics.Predicted(pool, answer, Stopwatch.GetElapsedTime(started));
        return answer;
    }

    /// <summary>
    /// The forecaster of a version serving stored parameters (an adopted federated merge), read from the ModelGrain
    /// when the cache has no fit of it; null for versions the catalog makes by name (and when the parameters are gone,
    /// so the cache falls back saying why).
    /// </summary>
    private async Task<IForecaster?> StoredModelAsync(IModelGrain models, ModelVersionView? version)
    {
        if (version is null || !FederatedVersions.IsFederated(version.Forecaster))
        {
            return null;
        }

        try
        {
            return await models.GetVersionParameters(version.Version) is { } document ? FederatedVersions.Forecaster(federatedKinds, document) : null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
