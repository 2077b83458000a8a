namespace Foresight.Grains.Observability;

/// <summary>
/// The trace context a grain call carries in Orleans' <see cref="RequestContext"/> (which flows along the call
/// chain): the gateway puts the HTTP request's span there, so the first grain a request reaches starts its spans
/// under it. Orleans' own activity propagation would do the same but opens a span for every grain call, timers and
/// polls included; this carries one value and opens none.
/// </summary>
public static class RequestTrace
{
    /// <summary>The RequestContext key: the W3C <c>traceparent</c> of the caller's span.</summary>
    public const string Key = "foresight.traceparent";

    /// <summary>The traceparent the current call carries, if any.</summary>
    public static string? Current => RequestContext.Get(Key) as string;

    /// <summary>Sets (or, with null, leaves as it is) the traceparent that the calls made from here on carry.</summary>
    public static void Set(string? traceParent)
    {
        if (traceParent is not null)
        {
            RequestContext.Set(Key, traceParent);
        }
    }
}
