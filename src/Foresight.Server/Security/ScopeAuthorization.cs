using System.Security.Claims;
using Foresight.Server.Api;
using Foresight.Server.Gateway;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Foresight.Server.Security;

/// <summary>A route needs this scope (admin satisfies every scope).</summary>
public sealed record ScopeRequirement(string Scope) : IAuthorizationRequirement;

/// <summary>Grants a <see cref="ScopeRequirement"/> to a principal that holds the scope or admin.</summary>
public sealed class ScopeRequirementHandler : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (context.User.HasClaim(Scopes.ClaimType, requirement.Scope) || context.User.HasClaim(Scopes.ClaimType, Scopes.Admin))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>401 (with <c>WWW-Authenticate: Bearer</c>) without a valid token; 403 problem+json naming the missing scope.</summary>
public sealed class ScopeAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden)
        {
            var scope = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<ScopeRequirement>().FirstOrDefault()?.Scope ?? Scopes.Admin;
            var name = context.User.FindFirstValue(ClaimTypes.Name) ?? "?";
            var held = string.Join(", ", context.User.FindAll(Scopes.ClaimType).Select(c => c.Value));
            await Problems.Of(
                    StatusCodes.Status403Forbidden,
                    "forbidden",
                    "scope",
                    $"this route needs the '{scope}' scope; '{name}' has: {(held.Length == 0 ? "none" : held)}",
                    new Dictionary<string, object?> { ["requiredScope"] = scope })
                .ExecuteAsync(context);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
