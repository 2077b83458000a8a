using System.Net;
using System.Text.Json;

namespace Foresight.Client;

/// <summary>
/// The gateway refused a request (a 4xx answer, or a 5xx/429 that outlasted the retries). Carries the parts of the
/// problem+json answer: <see cref="Title"/>, <see cref="Detail"/> and the <see cref="Field"/>/<see cref="Reason"/>
/// extensions that name what was wrong with the input.
/// </summary>
public sealed class ForesightApiException : Exception
{
    /// <summary>Creates an exception for an answer with the given status and problem parts.</summary>
    /// <param name="status">The HTTP status of the answer.</param>
    /// <param name="title">The problem's short summary (<c>title</c>).</param>
    /// <param name="detail">The problem's explanation (<c>detail</c>).</param>
    /// <param name="field">The input field that was wrong (extension <c>field</c>), if the server named one.</param>
    /// <param name="reason">What was wrong with it (extension <c>reason</c>).</param>
    /// <param name="extensions">Every member of the problem object, including those above.</param>
    /// <param name="retryAfter">The answer's <c>Retry-After</c>, if it had one.</param>
    public ForesightApiException(
        HttpStatusCode status,
        string? title,
        string? detail,
        string? field = null,
        string? reason = null,
        IReadOnlyDictionary<string, JsonElement>? extensions = null,
        TimeSpan? retryAfter = null)
        : base(Describe(status, title, detail))
    {
        StatusCode = status;
        Title = title;
        Detail = detail;
        Field = field;
        Reason = reason;
        Extensions = extensions ?? new Dictionary<string, JsonElement>();
        RetryAfter = retryAfter;
    }

    /// <summary>Creates an exception with only a message (status 0: no answer was involved).</summary>
    public ForesightApiException()
        : this((HttpStatusCode)0, null, null)
    {
    }

    /// <summary>Creates an exception with only a message (status 0: no answer was involved).</summary>
    /// <param name="message">What went wrong.</param>
    public ForesightApiException(string message)
        : this(message, null)
    {
    }

    /// <summary>Creates an exception with a message and its cause (status 0: no answer was involved).</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public ForesightApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Detail = message;
        Extensions = new Dictionary<string, JsonElement>();
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem's short summary, e.g. <c>invalid request</c>.</summary>
    public string? Title { get; }

    /// <summary>The problem's explanation, e.g. <c>cpu: must be positive</c>.</summary>
    public string? Detail { get; }

    /// <summary>The input field the server named as wrong (problem extension <c>field</c>), or null.</summary>
    public string? Field { get; }

    /// <summary>What was wrong with <see cref="Field"/> (problem extension <c>reason</c>), or null.</summary>
    public string? Reason { get; }

    /// <summary>Every member of the problem object by name (e.g. a workflow's <c>diagnostics</c>).</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; }

    /// <summary>How long the server asked the client to wait (a 429 or 503 answer's <c>Retry-After</c>), or null.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(HttpStatusCode status, string? title, string? detail)
    {
        var head = status == 0 ? "request failed" : $"{(int)status} {title ?? status.ToString()}";
        return string.IsNullOrEmpty(detail) ? head : $"{head}: {detail}";
    }
}
