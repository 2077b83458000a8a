using System.Net;

namespace Foresight.Testing;

/// <summary>
/// One probe of a server's <c>/healthz</c> while a test waits for it to come up. A refused connection and a request
/// that outlived the client's time-out both mean "not healthy yet": on a loaded machine a starting server can accept
/// the connection and answer only after the client gave up, and the caller's deadline, not this probe, decides when
/// waiting stops.
/// </summary>
internal static class HealthProbe
{
    public static async Task<HttpStatusCode> StatusAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return HttpStatusCode.ServiceUnavailable;
        }
        catch (TaskCanceledException)
        {
            // HttpClient.Timeout elapsed (no caller token is passed, so nothing else cancels the request).
            return HttpStatusCode.RequestTimeout;
        }
    }
}
