namespace Foresight.Abstractions.Autoscaling;

/// <summary>One forecast bucket: arrivals per second from <paramref name="At"/>, with the interval at the forecast's level.</summary>
[GenerateSerializer, Immutable]
public sealed record ForecastPointView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double Mean,
    [property: Id(2)] double Lower,
    [property: Id(3)] double Upper);

/// <summary>
/// A pool's arrival forecast. <paramref name="Source"/> says where it came from: <c>model v3 (ETS)</c>, or
/// <c>fallback: &lt;why&gt;</c> (no model, breaker open, the fit failed or diverged); no points when there is no forecast at all.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ArrivalForecastView(
    [property: Id(0)] string Pool,
    [property: Id(1)] IReadOnlyList<ForecastPointView> Arrivals,
    [property: Id(2)] double Level,
    [property: Id(3)] TimeSpan Bucket,
    [property: Id(4)] DateTimeOffset FittedThrough,
    [property: Id(5)] string Model,
    [property: Id(6)] int? ModelVersion,
    [property: Id(7)] string Source)
{
    /// <summary>True when the answer came from the rule-based fallback (or is missing).</summary>
    public bool IsFallback => Source.StartsWith("fallback", StringComparison.Ordinal);
}

/// <summary>Arrivals per complete bucket, oldest first; the first bucket starts at <paramref name="Start"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record ArrivalHistoryView(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] TimeSpan Bucket,
    [property: Id(2)] double[] Counts);

/// <summary>
/// One recorded decision of an autoscaler. <see cref="Trigger"/> is what started it (<c>timer</c>, <c>load</c>: a
/// load batch that raised the queue depth the stream shows, <c>api</c>); <see cref="LatencyMs"/> is, for a
/// <c>load</c> decision that called the provisioner, the time from that batch reaching the grain to the call.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AutoscalerDecisionView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Current,
    [property: Id(2)] int Desired,
    [property: Id(3)] string Direction,
    [property: Id(4)] string Reason,
    [property: Id(5)] string Policy,
    [property: Id(6)] int QueueDepth,
    [property: Id(7)] string? ForecastSource,
    [property: Id(8)] IReadOnlyList<ForecastPointView> Forecast,
    [property: Id(9)] string Provisioner,
    [property: Id(10)] string? Actuation,
    [property: Id(11)] string? Trigger = null,
    [property: Id(12)] double? LatencyMs = null);

/// <summary>The settings an autoscaler runs with.</summary>
[GenerateSerializer, Immutable]
public sealed record AutoscalerSettingsView(
    [property: Id(0)] string Policy,
    [property: Id(1)] int Min,
    [property: Id(2)] int Max,
    [property: Id(3)] double BootSeconds,
    [property: Id(4)] double PriceWorkerHour,
    [property: Id(5)] double PriceWaitMinute,
    [property: Id(6)] double IntervalSeconds,
    [property: Id(7)] string Provisioner);

/// <summary>What <c>GET /api/pools/{pool}/autoscaler</c> answers.</summary>
[GenerateSerializer, Immutable]
public sealed record AutoscalerView(
    [property: Id(0)] string Pool,
    [property: Id(1)] AutoscalerSettingsView Settings,
    [property: Id(2)] int Current,
    [property: Id(3)] int Desired,
    [property: Id(4)] int HistoryBuckets,
    [property: Id(5)] IReadOnlyList<AutoscalerDecisionView> Decisions,
    [property: Id(6)] IReadOnlyList<PoolLoadPointView>? Load = null);

/// <summary>One minute of a pool's load as the autoscaler heard it on the load stream (kept in memory for the last two
/// hours of this activation): jobs started, their queue wait p50/p95 in seconds (null without starts), largest queue depth.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolLoadPointView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Started,
    [property: Id(2)] double? WaitP50Seconds,
    [property: Id(3)] double? WaitP95Seconds,
    [property: Id(4)] int QueueDepth);

/// <summary>
/// A fitted model version: the model's settings (never the raw history) and its rolling-origin backtest. Status is
/// <c>promoted</c>, <c>retired</c> (promoted before, or a candidate rolled back), <c>rejected</c> (did not beat the
/// promoted model), <c>shadow</c> or <c>ab</c> (a candidate under live test). <see cref="Stage"/> is the registry
/// stage (candidate, shadow, ab, champion, retired), <see cref="SharePercent"/> the share of decisions acting on its
/// forecasts, <see cref="Live"/> its live accuracy (filled in by the ModelGrain's views).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ModelVersionView(
    [property: Id(0)] int Version,
    [property: Id(1)] string Forecaster,
    [property: Id(2)] string Status,
    [property: Id(3)] DateTimeOffset TrainedAt,
    [property: Id(4)] int HistoryBuckets,
    [property: Id(5)] TimeSpan Bucket,
    [property: Id(6)] IReadOnlyList<int> SeasonalPeriods,
    [property: Id(7)] double Level,
    [property: Id(8)] double Mase,
    [property: Id(9)] double Coverage,
    [property: Id(10)] double? PromotedMase,
    [property: Id(11)] string Note,
    [property: Id(60)] string? Stage = null,
    [property: Id(61)] int SharePercent = 0,
    [property: Id(62)] LiveAccuracyView? Live = null);

/// <summary>What <c>GET /api/pools/{pool}/models</c> answers.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelsView(
    [property: Id(0)] string Key,
    [property: Id(1)] int? Promoted,
    [property: Id(2)] IReadOnlyList<ModelVersionView> Versions,
    [property: Id(60)] int? Candidate = null,
    [property: Id(61)] IReadOnlyList<ModelEventView>? Events = null,
    [property: Id(62)] string? Rollout = null);

/// <summary>Live figures of one horizon (buckets ahead; 0 = all): points scored, MAE in arrivals per bucket, mean scaled error, interval hit rate; null when none.</summary>
[GenerateSerializer, Immutable]
public sealed record HorizonAccuracyView(
    [property: Id(0)] int Horizon,
    [property: Id(1)] int Count,
    [property: Id(2)] double? Mae,
    [property: Id(3)] double? Mase,
    [property: Id(4)] double? HitRate);

/// <summary>A model version's live accuracy over the rolling window: all horizons, then each.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveAccuracyView(
    [property: Id(0)] HorizonAccuracyView Overall,
    [property: Id(1)] IReadOnlyList<HorizonAccuracyView> Horizons);

/// <summary>
/// A recorded step of a pool's model lifecycle: <c>drift</c>, <c>retrain</c>, <c>shadow</c>, <c>advance</c>,
/// <c>promote</c>, <c>rollback</c>, <c>reject</c>, with the version concerned and the figures it was decided on.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ModelEventView(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Kind,
    [property: Id(2)] int Version,
    [property: Id(3)] string Note);

/// <summary>What a PredictionGrain serves from: the champion, and the candidate under test with its stage and share.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelRoutingView(
    [property: Id(0)] ModelVersionView? Champion,
    [property: Id(1)] ModelVersionView? Candidate,
    [property: Id(2)] int SharePercent);

/// <summary>What one scoring pass did: points scored, forecasts still waiting for their bucket, pairs for the test, drift and rollout.</summary>
[GenerateSerializer, Immutable]
public sealed record LiveScoreView(
    [property: Id(0)] int Scored,
    [property: Id(1)] int Pending,
    [property: Id(2)] int Pairs,
    [property: Id(3)] bool Drift,
    [property: Id(4)] string? Rollout);
