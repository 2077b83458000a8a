using Foresight.Server.Gateway;

namespace Foresight.Server.Security;

/// <summary>
/// The body limit of a request: <see cref="GatewayOptions.MaxWebhookBytes"/> for <c>/webhooks</c>, else
/// <see cref="GatewayOptions.MaxRequestBytes"/>. Kestrel's MaxRequestBodySize is set to the larger of the two and
/// the handlers enforce the route's own (see Api.RequestBody), so that a refused body is still drained and the client
/// reads the 413 answer instead of a reset connection.
/// </summary>
public static class RequestLimits
{
    public const string WebhooksPrefix = "/webhooks";

    public static long For(HttpContext context, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        return context.Request.Path.StartsWithSegments(WebhooksPrefix, StringComparison.OrdinalIgnoreCase)
            ? options.MaxWebhookBytes
            : options.MaxRequestBytes;
    }
}
