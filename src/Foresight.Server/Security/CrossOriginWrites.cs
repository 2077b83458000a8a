using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Foresight.Server.Webhooks;
using Microsoft.Extensions.Options;

namespace Foresight.Server.Security;

/// <summary>
/// Refuses cross-origin writes (CSRF): a POST, PUT, PATCH or DELETE whose <c>Origin</c> is not the server's own origin
/// nor one of <see cref="GatewayOptions.AllowedOrigins"/>, or that carries no Origin but a <c>Sec-Fetch-Site</c> of
/// <c>cross-site</c> or <c>same-site</c>, is answered 403 problem+json naming <c>Origin</c>, whatever its credentials.
/// Requests without those headers (curl, the CLI, the client library) are not affected. The GitHub webhook is exempt:
/// it is authenticated by its HMAC signature and GitHub sends no Origin.
/// </summary>
public static class CrossOriginWrites
{
    public const string SecFetchSite = "Sec-Fetch-Site";

    /// <summary>Runs the check before routing and authentication.</summary>
    public static IApplicationBuilder UseCrossOriginWriteGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var options = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value;
            if (Refusal(context.Request, options) is { } reason)
            {
                await Problems.Of(StatusCodes.Status403Forbidden, "cross-origin request refused", "Origin", reason).ExecuteAsync(context);
                return;
            }

            await next(context);
        });

    /// <summary>Why the request is refused, or null when it may go on.</summary>
    public static string? Refusal(HttpRequest request, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var method = request.Method;
        if (!(HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method))
            || request.Path.StartsWithSegments(GitHubWebhookEndpoint.Path, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var own = Normalize($"{request.Scheme}://{request.Host}");
        var origins = request.Headers.Origin;
        if (origins.Count > 0)
        {
            var origin = origins.Count == 1 ? Normalize(origins[0]) : null;
            if (origin is not null && (origin == own || options.AllowedOrigins.Any(a => Normalize(a) == origin)))
            {
                return null;
            }

            return $"a {method} from '{origins}' is refused: writes are accepted from this server's origin ({own ?? "unknown"}) and Foresight:Gateway:AllowedOrigins only";
        }

        var site = request.Headers[SecFetchSite].ToString();
        return site is "cross-site" or "same-site"
            ? $"a {method} from a {site} page ({SecFetchSite}: {site}) is refused: writes are accepted from this server's origin ({own ?? "unknown"}) only"
            : null;
    }

    /// <summary><c>scheme://host:port</c> (lower case, the port explicit) of an http(s) origin; null for anything else
    /// (<c>null</c>, a path, user info).</summary>
    public static string? Normalize(string? origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0
            || origin!.TrimEnd('/').Count(c => c == '/') > 2)
        {
            return null;
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}");
    }
}
