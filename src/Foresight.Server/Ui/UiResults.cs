using System.Security.Claims;
using Foresight.Server.Gateway;
using Microsoft.AspNetCore.Mvc;

namespace Foresight.Server.Ui;

/// <summary>The web UI's refusals.</summary>
public static class UiResults
{
    /// <summary>403 for an action (cancel, re-run) by a session without <c>submit</c> or <c>admin</c>, as the API answers.</summary>
    public static IActionResult NeedsSubmit(ClaimsPrincipal user)
    {
        var held = string.Join(", ", user?.FindAll(Scopes.ClaimType).Select(c => c.Value) ?? []);
        return new ContentResult
        {
            StatusCode = StatusCodes.Status403Forbidden,
            ContentType = "text/plain; charset=utf-8",
            Content = $"this action needs the '{Scopes.Submit}' scope; '{user?.Identity?.Name}' has: {(held.Length == 0 ? "none" : held)}",
        };
    }
}
