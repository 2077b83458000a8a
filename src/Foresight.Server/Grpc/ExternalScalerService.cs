using Foresight.Abstractions.Autoscaling;
using Foresight.Grpc.ExternalScaler;
using Foresight.Server.Gateway;
using Grpc.Core;

namespace Foresight.Server.Grpc;

/// <summary>
/// KEDA's external scaler (<c>externalscaler.ExternalScaler</c>). The metric is per pool with target size 1, so KEDA's
/// replica count is the metric: <c>desiredWorkers</c> (the workers the pool's policy — <c>predictive</c> unless the
/// trigger names another — wants now, forecast read at the trigger's quantile over its horizon) or
/// <c>predictedQueue</c>. Active when jobs are queued or running or the policy wants a worker. A pool without a model
/// is answered by the policy's rule fallback, which the decision's reason states (logged).
/// </summary>
public sealed partial class ExternalScalerService(
    IGrainFactory grains, DeclaredPools pools, GrpcOptions options, ILogger<ExternalScalerService> logger) : ExternalScaler.ExternalScalerBase
{
    public override async Task<IsActiveResponse> IsActive(ScaledObjectRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = await ScalerMetadata.ParseAsync(request.ScalerMetadata, pools);
        return new IsActiveResponse { Result = Active(await PreviewAsync(metadata)) };
    }

    public override async Task StreamIsActive(ScaledObjectRef request, IServerStreamWriter<IsActiveResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = await ScalerMetadata.ParseAsync(request.ScalerMetadata, pools);
        var cancel = context.CancellationToken;
        bool? last = null;
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                var active = Active(await PreviewAsync(metadata));
                if (active != last)
                {
                    await responseStream.WriteAsync(new IsActiveResponse { Result = active }, cancel);
                    last = active;
                }

                await Task.Delay(TimeSpan.FromSeconds(options.StreamPollSeconds), cancel);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // KEDA closed the stream.
        }
    }

    public override async Task<GetMetricSpecResponse> GetMetricSpec(ScaledObjectRef request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = await ScalerMetadata.ParseAsync(request.ScalerMetadata, pools);
        return new GetMetricSpecResponse { MetricSpecs = { new MetricSpec { MetricName = metadata.MetricName, TargetSize = 1, TargetSizeFloat = 1 } } };
    }

    public override async Task<GetMetricsResponse> GetMetrics(GetMetricsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = await ScalerMetadata.ParseAsync((IDictionary<string, string>?)request.ScaledObjectRef?.ScalerMetadata ?? new Dictionary<string, string>(), pools);
        var preview = await PreviewAsync(metadata);
        var value = metadata.Metric == ScalerMetadata.DesiredWorkers ? preview.Desired : Math.Ceiling(preview.PredictedQueue);
        var name = string.IsNullOrEmpty(request.MetricName) ? metadata.MetricName : request.MetricName;
        return new GetMetricsResponse { MetricValues = { new MetricValue { MetricName = name, MetricValue_ = (long)value, MetricValueFloat = value } } };
    }

    private static bool Active(AutoscalerPreview p) => p.QueueDepth + p.RunningJobs > 0 || p.Desired > 0;

    private async Task<AutoscalerPreview> PreviewAsync(ScalerMetadata m)
    {
        AutoscalerPreview preview;
        try
        {
            preview = await grains.GetGrain<IAutoscalerGrain>(m.Pool).Preview(new AutoscalerPreviewRequest(m.Policy, m.Horizon, m.Quantile));
        }
        catch (ArgumentException e)
        {
            throw ScalerMetadata.Invalid(e.ParamName is "quantile" or "horizon" ? e.ParamName : "policy", e.Message);
        }

        if (preview.Fallback)
        {
            LogFallback(logger, m.Pool, preview.Policy, preview.Reason);
        }

        return preview;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "External scaler {Pool}: {Policy} answered with its rule fallback: {Reason}")]
    private static partial void LogFallback(ILogger logger, string pool, string policy, string reason);
}
