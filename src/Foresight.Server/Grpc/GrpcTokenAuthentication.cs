using System.Collections.Concurrent;
using System.Security.Claims;
using Foresight.Server.Security;

namespace Foresight.Server.Grpc;

/// <summary>
/// Authentication on the gRPC port: <c>authorization: Bearer &lt;token&gt;</c> metadata looked up in the API's
/// <see cref="TokenRegistry"/> (SHA-256, every configured hash compared). A known token makes the request's user that
/// token's principal — built once per token, as <see cref="TokenAuthenticationHandler.PrincipalOf"/> builds it — so the
/// rate limiter partitions by it and <see cref="GrpcTokenInterceptor"/> checks its scope. Anything else leaves the
/// request anonymous; the interceptor then asks the API's handler for the reason and answers <c>Unauthenticated</c>.
/// </summary>
public static class GrpcTokenAuthentication
{
    private const string Bearer = "Bearer ";

    public static IApplicationBuilder UseGrpcTokenAuthentication(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var tokens = app.ApplicationServices.GetRequiredService<TokenRegistry>();
        var principals = new ConcurrentDictionary<ApiToken, ClaimsPrincipal>(ReferenceEqualityComparer.Instance);
        return app.Use((context, next) =>
        {
            var header = context.Request.Headers.Authorization;
            if (header.Count == 1
                && header[0] is { Length: > 7 } value
                && value.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase)
                && tokens.Find(value[Bearer.Length..].Trim()) is { } token)
            {
                context.User = principals.GetOrAdd(token, TokenAuthenticationHandler.PrincipalOf);
                context.Items[typeof(ApiToken)] = token;
            }

            return next(context);
        });
    }
}
