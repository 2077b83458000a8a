using System.Buffers;
using System.Text;
using Foresight.Server.Gateway;
using Foresight.Server.Security;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Api;

/// <summary>Reads a request body whole, within the route's size limit, and decodes it as strict UTF-8.</summary>
public static class RequestBody
{
    private const int ChunkBytes = 16 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body's bytes, or a problem: 413 over the route's limit, 400 when the client broke off. A body
    /// over the limit is read to its end and dropped (up to Kestrel's limit) so the client gets the answer.</summary>
    public static async Task<(byte[]? Bytes, IResult? Problem)> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limit = RequestLimits.For(context, context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value);
        if (context.Request.ContentLength > limit)
        {
            return (null, TooLarge(limit)); // Kestrel drains or closes after the answer
        }

        // Rented, not allocated per request: thousands of agents each send a heartbeat body every few seconds.
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            using var buffer = new MemoryStream();
            var over = false;
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                over |= buffer.Length + read > limit;
                if (!over)
                {
                    buffer.Write(chunk, 0, read);
                }
            }

            return over ? (null, TooLarge(limit)) : (buffer.ToArray(), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(limit));
        }
        catch (BadHttpRequestException e)
        {
            return (null, Problems.BadRequest("body", $"could not be read: {e.Message}"));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The body read (<see cref="ReadAsync"/>) and parsed as the API's JSON, or the problem: 413 over the
    /// limit, 400 naming the field a JSON error is at.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadJsonAsync<T>(HttpContext context)
        where T : class
    {
        var (bytes, tooLarge) = await ReadAsync(context);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }

        try
        {
            return (System.Text.Json.JsonSerializer.Deserialize<T>(bytes!, JobEndpoints.Json), null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (null, Problems.BadRequest(JobEndpoints.JsonField(e.Path), JobEndpoints.JsonReason(e)));
        }
    }

    /// <summary>Strict UTF-8 (a leading byte-order mark is skipped); invalid bytes are a 400 naming their offset.</summary>
    public static (string? Text, IResult? Problem) DecodeUtf8(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        try
        {
            return (StrictUtf8.GetString(bytes, start, bytes.Length - start), null);
        }
        catch (DecoderFallbackException e)
        {
            return (null, Problems.BadRequest("body", $"is not valid UTF-8 (invalid byte at offset {start + Math.Max(0, e.Index)})"));
        }
    }

    public static IResult TooLarge(long limit) =>
        Problems.Of(StatusCodes.Status413PayloadTooLarge, "request too large", "body", $"must be at most {limit} bytes");

    /// <summary>The request's media type (lower case, no parameters), or null when it sent none.</summary>
    public static string? MediaType(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = request.ContentType;
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var semicolon = type.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? type : type[..semicolon]).Trim().ToLowerInvariant();
    }

    public static IResult UnsupportedMediaType(string? actual, string accepted) =>
        Problems.Of(StatusCodes.Status415UnsupportedMediaType, "unsupported media type", "Content-Type", $"'{actual}' is not accepted; send {accepted}");
}
