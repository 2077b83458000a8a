using System.Security.Claims;
using Foresight.Server.Gateway;
using Foresight.Server.Security;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;

namespace Foresight.Server.Grpc;

/// <summary>
/// The API's tokens for gRPC: <c>authorization: Bearer &lt;token&gt;</c> metadata, found by
/// <see cref="GrpcTokenAuthentication"/> in the API's token registry (a request it left anonymous is asked again of the
/// HTTP API's handler, for its reason). Every RPC needs the <c>read</c> scope (admin includes it): no or a bad token → <c>Unauthenticated</c>,
/// a token without the scope → <c>PermissionDenied</c> naming it.
/// </summary>
public sealed class GrpcTokenInterceptor : Interceptor
{
    /// <summary>The scope every Foresight RPC needs.</summary>
    public const string RequiredScope = Scopes.Read;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthorizeAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthorizeAsync(context);
        await continuation(request, responseStream, context);
    }

    private static async Task AuthorizeAsync(ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var user = http.User;
        if (user.Identity is not { IsAuthenticated: true, AuthenticationType: TokenAuthenticationHandler.SchemeName })
        {
            // The port's authentication middleware found no valid token (or did not run): ask the handler for its reason.
            var result = await http.AuthenticateAsync(TokenAuthenticationHandler.SchemeName);
            if (!result.Succeeded || result.Principal is null)
            {
                throw new RpcException(new Status(
                    StatusCode.Unauthenticated,
                    result.Failure?.Message ?? "a bearer token is required (metadata 'authorization: Bearer <token>')"));
            }

            user = result.Principal;
        }

        if (!user.HasClaim(Scopes.ClaimType, RequiredScope) && !user.HasClaim(Scopes.ClaimType, Scopes.Admin))
        {
            var held = string.Join(", ", user.FindAll(Scopes.ClaimType).Select(c => c.Value));
            throw new RpcException(new Status(
                StatusCode.PermissionDenied,
                $"scope: this service needs the '{RequiredScope}' scope; '{user.FindFirstValue(ClaimTypes.Name)}' has: {(held.Length == 0 ? "none" : held)}"));
        }

        http.User = user;
    }
}
