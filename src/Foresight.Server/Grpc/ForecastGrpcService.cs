using Foresight.Abstractions.Autoscaling;
using Foresight.Autoscaling.External;
using Foresight.Autoscaling.Observations;
using Foresight.Grpc.Forecast.V1;
using Foresight.Server.Gateway;
using Grpc.Core;

namespace Foresight.Server.Grpc;

/// <summary>
/// <c>foresight.forecast.v1.ForecastService</c>: a pool's predicted load (from the PredictionGrain, cached per model
/// version) and the worker count a policy recommends (from the pool's AutoscalerGrain, as the external scaler).
/// </summary>
public sealed class ForecastGrpcService(IGrainFactory grains, DeclaredPools pools, TimeProvider time, LoadForecastCache cache) : ForecastService.ForecastServiceBase
{
    public override async Task<LoadForecastResponse> GetLoadForecast(LoadForecastRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pool = await ScalerMetadata.CheckPoolAsync(request.Pool, pools);
        var given = ScalerMetadata.CheckHorizon(request.HorizonSeconds, "horizon_seconds");
        return await cache.GetAsync(pool, given?.TotalSeconds ?? 0, request.TaskType ?? "", () => ComputeLoadForecastAsync(pool, given, request.TaskType));
    }

    private async Task<LoadForecastResponse> ComputeLoadForecastAsync(string pool, TimeSpan? given, string? taskType)
    {
        var facts = await grains.GetGrain<IAutoscalerGrain>(pool).GetLoadFacts();
        var horizon = given ?? facts.DefaultHorizon;
        var answer = await grains.GetGrain<IPredictionGrain>(0).Forecast(pool, horizon);
        var forecast = new LoadForecast([], answer.Level)
        {
            Arrivals = [.. answer.Arrivals.Select(p => new ForecastPoint(p.At, p.Mean, p.Lower, p.Upper))],
            Bucket = answer.Bucket,
            FittedThrough = answer.FittedThrough,
            Model = answer.Model,
            Note = answer.IsFallback ? answer.Source : null,
        };
        var slots = facts.MaxWorkers;
        var outlook = LoadOutlook.From(forecast, time.GetUtcNow(), horizon, facts.MeanRunSeconds, slots, facts.SlotCpu, facts.SlotMemoryMib);
        var notes = new List<string>();
        if (!string.IsNullOrWhiteSpace(taskType))
        {
            notes.Add($"task_type '{taskType}' is not modelled apart: the pool's forecast");
        }

        if (!outlook.ResourcesKnown)
        {
            notes.Add("run time not learned yet (no completions): cpu, memory and bottleneck are 0");
        }

        var response = new LoadForecastResponse
        {
            Pool = pool,
            HorizonSeconds = horizon.TotalSeconds,
            PredictedJobs = outlook.Jobs,
            PredictedJobsInterval = new Interval { Level = answer.Level, Lower = outlook.JobsLower, Upper = outlook.JobsUpper },
            Confidence = outlook.Confidence,
            CpuCores = outlook.CpuCores,
            MemoryMib = outlook.MemoryMib,
            ResourcesKnown = outlook.ResourcesKnown,
            BottleneckProbability = outlook.BottleneckProbability,
            MaxWorkers = facts.MaxWorkers,
            Model = answer.Model,
            ModelVersion = answer.ModelVersion ?? 0,
            Source = answer.Source,
            Fallback = answer.IsFallback,
            MeanRunSeconds = facts.MeanRunSeconds,
            Note = string.Join("; ", notes),
        };
        response.Buckets.AddRange(outlook.Buckets.Select(b => new ForecastBucket
        {
            StartUnixMs = b.At.ToUnixTimeMilliseconds(), Mean = b.Mean, Lower = b.Lower, Upper = b.Upper,
        }));
        return response;
    }

    public override async Task<SchedulingRecommendation> GetSchedulingRecommendation(SchedulingRecommendationRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pool = await ScalerMetadata.CheckPoolAsync(request.Pool, pools);
        var policy = ScalerMetadata.CheckPolicy(request.Policy);
        var horizon = ScalerMetadata.CheckHorizon(request.HorizonSeconds, "horizon_seconds");
        var quantile = request.Quantile == 0 ? ForecastQuantile.Default : ScalerMetadata.CheckQuantile(request.Quantile, "quantile");
        if (request.UseGivenState && (request.QueueDepth < 0 || request.RunningJobs < 0 || request.CurrentWorkers < 0))
        {
            throw ScalerMetadata.Invalid(request.QueueDepth < 0 ? "queue_depth" : request.RunningJobs < 0 ? "running_jobs" : "current_workers", "must not be negative");
        }

        var preview = await grains.GetGrain<IAutoscalerGrain>(pool).Preview(request.UseGivenState
            ? new AutoscalerPreviewRequest(policy, horizon, quantile, request.QueueDepth, request.RunningJobs, request.CurrentWorkers)
            : new AutoscalerPreviewRequest(policy, horizon, quantile));
        return new SchedulingRecommendation
        {
            Pool = pool,
            Policy = preview.Policy,
            RecommendedWorkers = preview.Desired,
            CurrentWorkers = preview.Current,
            QueueDepth = preview.QueueDepth,
            RunningJobs = preview.RunningJobs,
            Reason = preview.Reason,
            Fallback = preview.Fallback,
            ForecastSource = preview.ForecastSource,
            ModelVersion = preview.ModelVersion ?? 0,
            PredictedQueue = preview.PredictedQueue,
        };
    }
}
