using Foresight.Server.Gateway;

namespace Foresight.Server.Security;

/// <summary>
/// The body limit of a request: <see cref="GatewayOptions.MaxWebhookBytes"/> for <c>/webhooks</c>,
/// <see cref="GatewayOptions.MaxBatchRequestBytes"/> for <c>/api/jobs:batch</c>, else
/// <see cref="GatewayOptions.MaxRequestBytes"/>. Kestrel's MaxRequestBodySize is set to the largest (<see cref="Largest"/>) and
/// the handlers enforce the route's own (see Api.RequestBody), so that a refused body is still drained and the client
/// reads the 413 answer instead of a reset connection.
/// </summary>
public static class RequestLimits
{
    public const string WebhooksPrefix = "/webhooks";

    public const string BatchPath = "/api/jobs:batch";

    public static long For(HttpContext context, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        var path = context.Request.Path;
        return path.StartsWithSegments(WebhooksPrefix, StringComparison.OrdinalIgnoreCase) ? options.MaxWebhookBytes
            : path.Equals(BatchPath, StringComparison.OrdinalIgnoreCase) ? options.MaxBatchRequestBytes
            : options.MaxRequestBytes;
    }

    /// <summary>The largest of the route limits: Kestrel's own.</summary>
    public static long Largest(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Math.Max(options.MaxRequestBytes, Math.Max(options.MaxWebhookBytes, options.MaxBatchRequestBytes));
    }
}
