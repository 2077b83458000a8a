using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Foresight.Server.Webhooks;
using Prometheus;

namespace Foresight.Server.Observability;

/// <summary>
/// The gateway's request metrics: every HTTP request by route template (never the raw path, so job ids stay out of
/// the labels), method and status; GitHub webhook deliveries by result.
/// </summary>
public static class GatewayMetrics
{
    /// <summary>The route label of requests that matched no endpoint.</summary>
    public const string Unmatched = "unmatched";

    // Per-request metrics carry no exemplars: recording one costs a clock read and a copy on every request.
    private static readonly Counter Requests = Metrics.CreateCounter(
        "foresight_http_requests_total", "HTTP requests the gateway answered, by route template, method and status code",
        new CounterConfiguration { LabelNames = ["route", "method", "status"], ExemplarBehavior = ExemplarBehavior.NoExemplars() });

    private static readonly Histogram Duration = Metrics.CreateHistogram(
        "foresight_http_request_duration_seconds", "Time the gateway took to answer an HTTP request, by route template and method",
        new HistogramConfiguration
        {
            LabelNames = ["route", "method"],
            Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            ExemplarBehavior = ExemplarBehavior.NoExemplars(),
        });

    /// <summary>Most (endpoint, method, status) series whose children are kept; past it each request looks its labels up.</summary>
    private const int MaxCachedSeries = 4096;

    // The two children of each (endpoint, method, status), so a request neither builds its route label nor looks labels up.
    private static readonly ConcurrentDictionary<(Endpoint? Endpoint, string Method, int Status), (Counter.Child Count, Histogram.Child Time, bool Webhook)> Series = new();

    private static readonly Counter Webhooks = Metrics.CreateCounter(
        "foresight_webhook_deliveries_total",
        "GitHub webhook deliveries by result: accepted, duplicate, signature_invalid, invalid, unknown_repository, too_large, rate_limited, error",
        "result");

    /// <summary>Every webhook result, so each series exists at zero from the start (rates and alerts need no first event).</summary>
    public static readonly IReadOnlyList<string> WebhookResults = ["accepted", "duplicate", "signature_invalid", "invalid", "unknown_repository", "too_large", "rate_limited", "error"];

    private static readonly HashSet<string> KnownMethods = new(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"], StringComparer.Ordinal);

    /// <summary>Measures every request that passes through; place it first, before security, so refusals count too.</summary>
    public static IApplicationBuilder UseForesightGatewayMetrics(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var result in WebhookResults)
        {
            Webhooks.WithLabels(result);
        }

        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                Record(context, Stopwatch.GetElapsedTime(started));
            }
        });
    }

    /// <summary>The webhook result a status code of the webhook endpoint stands for.</summary>
    public static string WebhookResult(int status) => status switch
    {
        StatusCodes.Status202Accepted => "accepted",
        StatusCodes.Status200OK => "duplicate",
        StatusCodes.Status401Unauthorized => "signature_invalid",
        StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType => "invalid",
        StatusCodes.Status404NotFound => "unknown_repository",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status429TooManyRequests => "rate_limited",
        _ => "error",
    };

    /// <summary>The route template the request matched (<see cref="Unmatched"/> when none), never the raw path.</summary>
    public static string RouteOf(HttpContext context) =>
        (context?.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } raw ? "/" + raw.Trim('/') : Unmatched;

    private static void Record(HttpContext context, TimeSpan elapsed)
    {
        var endpoint = context.GetEndpoint();
        var method = KnownMethods.TryGetValue(context.Request.Method, out var known) ? known : "other";
        var status = context.Response.StatusCode;
        var key = (endpoint, method, status);
        if (!Series.TryGetValue(key, out var series))
        {
            var route = RouteOf(context);
            series = (Requests.WithLabels(route, method, status.ToString(CultureInfo.InvariantCulture)), Duration.WithLabels(route, method), route == GitHubWebhookEndpoint.Path);
            if (Series.Count < MaxCachedSeries)
            {
                Series.TryAdd(key, series);
            }
        }

        series.Count.Inc();
        series.Time.Observe(elapsed.TotalSeconds);
        if (series.Webhook)
        {
            Webhooks.WithLabels(WebhookResult(status)).Inc();
        }
    }
}
