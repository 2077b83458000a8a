namespace Foresight.Abstractions.Autoscaling;

/// <summary>
/// What an external autoscaler asks a pool's AutoscalerGrain: the worker count <paramref name="Policy"/> wants now,
/// looking <paramref name="Horizon"/> ahead (the pool's boot delay + interval when null), with the forecast read at
/// <paramref name="Quantile"/>. The three state figures, when set, replace what the cluster reports.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record AutoscalerPreviewRequest(
    [property: Id(0)] string Policy,
    [property: Id(1)] TimeSpan? Horizon,
    [property: Id(2)] double Quantile,
    [property: Id(3)] int? QueueDepth = null,
    [property: Id(4)] int? RunningJobs = null,
    [property: Id(5)] int? CurrentWorkers = null);

/// <summary>The answer to an <see cref="AutoscalerPreviewRequest"/>; nothing is actuated or recorded.</summary>
[GenerateSerializer, Immutable]
public sealed record AutoscalerPreview(
    [property: Id(0)] string Pool,
    [property: Id(1)] string Policy,
    [property: Id(2)] int Desired,
    [property: Id(3)] int Current,
    [property: Id(4)] int QueueDepth,
    [property: Id(5)] int RunningJobs,
    [property: Id(6)] string Reason,
    [property: Id(7)] bool Fallback,
    [property: Id(8)] double PredictedQueue,
    [property: Id(9)] TimeSpan Horizon,
    [property: Id(10)] double Quantile,
    [property: Id(11)] string ForecastSource,
    [property: Id(12)] int? ModelVersion);

/// <summary>What a pool has learned besides arrivals (mean run time from completions), its maximum, look-ahead and the resources of one job slot.</summary>
[GenerateSerializer, Immutable]
public sealed record PoolLoadFacts(
    [property: Id(0)] double MeanRunSeconds,
    [property: Id(1)] long Completions,
    [property: Id(2)] int MaxWorkers,
    [property: Id(3)] TimeSpan DefaultHorizon,
    [property: Id(4)] double SlotCpu,
    [property: Id(5)] double SlotMemoryMib);

/// <summary>Arrivals counted outside Foresight: <paramref name="Count"/> jobs in the bucket that holds <paramref name="At"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record ArrivalCount(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double Count);

/// <summary>What <see cref="IAutoscalerGrain.RecordArrivals"/> did: arrivals counted, and those older than the history holds.</summary>
[GenerateSerializer, Immutable]
public sealed record ArrivalsRecorded(
    [property: Id(0)] string Pool,
    [property: Id(1)] double Counted,
    [property: Id(2)] double TooOld,
    [property: Id(3)] int HistoryBuckets);
