using System.Diagnostics;

namespace Foresight.Abstractions.Observability;

/// <summary>
/// Foresight's spans: one <see cref="ActivitySource"/> for the server, the grains and the agents. Nothing is recorded
/// unless a tracer provider listens to <see cref="SourceName"/> (the server's and the agent's tracing settings).
/// Spans that outlive one grain call (a run, a job) are started <em>detached</em>: they never become
/// <see cref="Activity.Current"/>, so the calls that follow in the same turn do not nest under them by accident.
/// </summary>
public static class ForesightTracing
{
    /// <summary>The name of the activity source every Foresight span comes from.</summary>
    public const string SourceName = "Foresight";

    /// <summary>The source itself.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>
    /// Starts a span under <paramref name="parent"/> (a W3C <c>traceparent</c>; none or unparsable: a new trace)
    /// without making it current. Null when nobody listens.
    /// </summary>
    public static Activity? StartDetached(
        string name, ActivityKind kind, string? parent, DateTimeOffset startTime = default, IEnumerable<KeyValuePair<string, object?>>? tags = null)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        try
        {
            var context = ActivityContext.TryParse(parent, null, out var parsed) ? parsed : default;
            // Without a parent here, Activity.Current would become the parent: the caller said which one it wants.
            Activity.Current = null;
            return Source.StartActivity(name, kind, context, tags, links: null, startTime);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>A span that began at <paramref name="startTime"/> and ends now, under <paramref name="parent"/>.</summary>
    public static void Record(
        string name, string? parent, DateTimeOffset startTime, DateTimeOffset endTime, IEnumerable<KeyValuePair<string, object?>>? tags = null)
    {
        using var span = StartDetached(name, ActivityKind.Internal, parent, startTime, tags);
        span?.SetEndTime(endTime.UtcDateTime);
    }

    /// <summary>Ends a detached span with the CI/CD result (<c>success</c>, <c>failure</c>, <c>cancellation</c>, <c>timeout</c>, <c>error</c>).</summary>
    public static void End(Activity? span, string result, DateTimeOffset? endTime = null)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag(CicdAttributes.Result(span), result);
        if (result is not "success")
        {
            span.SetStatus(ActivityStatusCode.Error, result);
        }

        if (endTime is { } end)
        {
            span.SetEndTime(end.UtcDateTime);
        }

        var previous = Activity.Current;
        span.Stop();
        Activity.Current = previous == span ? null : previous;
    }
}
