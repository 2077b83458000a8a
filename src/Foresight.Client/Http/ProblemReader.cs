using System.Net;
using System.Text.Json;

namespace Foresight.Client;

/// <summary>Turns a refused answer (problem+json, or anything else) into a <see cref="ForesightApiException"/>.</summary>
internal static class ProblemReader
{
    private const int MaxTextChars = 2000;

    public static async Task<ForesightApiException> ReadAsync(HttpResponseMessage response, TimeSpan? retryAfter, CancellationToken cancellation)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            body = "";
        }

        var status = response.StatusCode;
        var fallbackTitle = response.ReasonPhrase ?? status.ToString();
        if (TryParseObject(body) is not { } problem)
        {
            var text = body.Length > MaxTextChars ? body[..MaxTextChars] + "…" : body;
            return new ForesightApiException(status, fallbackTitle, string.IsNullOrWhiteSpace(text) ? null : text.Trim(), retryAfter: retryAfter);
        }

        return new ForesightApiException(
            status,
            Text(problem, "title") ?? fallbackTitle,
            Text(problem, "detail"),
            Text(problem, "field"),
            Text(problem, "reason"),
            problem,
            retryAfter);
    }

    /// <summary>The wait a 429 or 503 answer asks for, as a delay from now.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static Dictionary<string, JsonElement>? TryParseObject(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.EnumerateObject()
                .GroupBy(p => p.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Last().Value.Clone(), StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(Dictionary<string, JsonElement> problem, string name) =>
        problem.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
