using System.Net;
using System.Net.Http.Headers;

namespace Foresight.Client;

/// <summary>Sends a request with the bearer token, trying again with back-off after transient failures.</summary>
internal sealed class ResilientSender(HttpClient http, string? token, ForesightClientOptions options)
{
    public ForesightClientOptions Options => options;

    /// <summary>
    /// Sends until success (2xx) or a failure that is not transient or outlasted the tries. Every request of the API
    /// is safe to repeat: reads and cancels by nature, submissions because they carry their job or run id.
    /// </summary>
    /// <exception cref="ForesightApiException">The server refused the request.</exception>
    /// <exception cref="HttpRequestException">The server could not be reached.</exception>
    public async Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> build,
        HttpCompletionOption completion,
        CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                using var request = build();
                Authorize(request);
                response = await http.SendAsync(request, completion, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellation) && attempt < options.MaxAttempts)
            {
                await DelayAsync(Backoff(attempt), cancellation).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException e) when (!cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"no answer within {options.RequestTimeout}", e);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var retryAfter = ProblemReader.RetryAfter(response, options.TimeProvider);
                if (!IsTransient(response.StatusCode) || attempt >= options.MaxAttempts || retryAfter > options.MaxRetryAfter)
                {
                    throw await ProblemReader.ReadAsync(response, retryAfter, cancellation).ConfigureAwait(false);
                }

                await DelayAsync(retryAfter ?? Backoff(attempt), cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Back-off before try <paramref name="failures"/> + 1: the initial delay doubled per failure, capped.</summary>
    public TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(Math.Max(failures - 1, 0), 30));
        var delay = options.InitialRetryDelay * factor;
        return delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellation) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, options.TimeProvider, cancellation);

    /// <summary>Whether reading or sending failed in a way another try may cure.</summary>
    public static bool IsTransient(Exception failure, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested)
        {
            return false;
        }

        return failure switch
        {
            HttpRequestException e => e.HttpRequestError is not (
                HttpRequestError.SecureConnectionError
                or HttpRequestError.UserAuthenticationError
                or HttpRequestError.ConfigurationLimitExceeded
                or HttpRequestError.VersionNegotiationError
                or HttpRequestError.ExtendedConnectNotSupported),
            IOException => true,

            // HttpClient.Timeout ends a request with a cancellation the caller did not ask for.
            OperationCanceledException => true,
            _ => false,
        };
    }

    /// <summary>Whether an answer's status is worth another try: the server is overloaded, restarting or briefly failing.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
        || ((int)status >= 500 && status is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported));

    private void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (request.Headers.Accept.Count == 0)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
    }
}
