using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Orleans.Runtime;
using Orleans.Storage;

namespace Foresight.Server.Hosting;

/// <summary>
/// Answers a request that failed because part of the cluster is away — a silo that died and is not yet declared dead,
/// a call that outlived Orleans' response timeout, storage that is restarting, a write that lost an ETag race during
/// fail-over — with <c>503</c> problem+json and <c>Retry-After: 1</c> instead of a bare 500, so that clients (the
/// client library, the CLI, agents) try again, as they do on 503. Every API request is safe to repeat.
/// </summary>
public sealed partial class ClusterUnavailableHandler(ILogger<ClusterUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!IsTransient(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "1";
        await Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "cluster temporarily unavailable",
                detail: "cluster: part of the cluster is failing over; try again",
                extensions: new Dictionary<string, object?> { ["field"] = "cluster", ["reason"] = exception.GetType().Name })
            .ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>Failures another try (possibly on another silo) may cure.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        OrleansMessageRejectionException or TimeoutException or InconsistentStateException or DbException => true,
        OrleansException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {Type}: {Message}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string type, string message);
}
